/** Loaded by `LazyNote` only when clicked: the bundler puts it in a chunk of its own. */
export const NOTE = "loaded on demand";
