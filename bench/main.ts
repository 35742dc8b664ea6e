/**
 * Benchmark entry point: `deno task bench <name> [args...]` runs `bench/<name>.ts`, which prints
 * its own figures. Benchmarks compare against a baseline measured in the same run.
 *
 * @module
 */
const benches = [
  "pages",
  "db",
  "api",
  "agent",
  "agent_runs",
  "ws",
  "alerts",
  "rules",
  "transfer",
  "page_weights",
] as const;
const [name, ...rest] = Deno.args;
if (!name || !(benches as readonly string[]).includes(name)) {
  console.error(`usage: deno task bench <${benches.join("|")}> [args...]`);
  Deno.exit(2);
}
const module: { main(args: string[]): Promise<void> } = await import(`./${name}.ts`);
await module.main(rest);
