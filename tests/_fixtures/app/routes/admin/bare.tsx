import type { RouteConfig } from "$fresh/server.ts";

export const config: RouteConfig = { skipInheritedLayouts: true, skipAppWrapper: true };

export default function Bare() {
  return (
    <html>
      <body>
        <h1>bare</h1>
      </body>
    </html>
  );
}
