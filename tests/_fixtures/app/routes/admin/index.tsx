import type { PageProps } from "$fresh/server.ts";
import type { FixtureState } from "../_middleware.ts";

export default function Admin({ state }: PageProps<unknown, FixtureState>) {
  return <h1>admin sees {state.trail.join(">")}</h1>;
}
