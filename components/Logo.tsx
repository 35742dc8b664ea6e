/** The AAE word mark. */
export function Logo() {
  return (
    <a href="/" class="flex items-center gap-2 font-semibold tracking-tight">
      <span class="grid h-8 w-8 place-items-center rounded-md bg-indigo-600 text-[11px] font-bold tracking-tight text-white">
        AAE
      </span>
      <span>Automated Ad Engine</span>
    </a>
  );
}
