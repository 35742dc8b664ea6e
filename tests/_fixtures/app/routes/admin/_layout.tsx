import { defineLayout } from "$fresh/server.ts";

export default defineLayout(async (_req, ctx) => {
  const label = await Promise.resolve("admin");
  return (
    <main data-layout={label}>
      <ctx.Component />
    </main>
  );
});
