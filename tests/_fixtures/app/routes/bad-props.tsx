import { signal } from "@preact/signals";
import Counter from "../islands/Counter.tsx";

/** Passes a function to an island, which cannot reach the browser. */
export default function BadProps() {
  const label = (() => "x") as unknown as string;
  return <Counter count={signal(0)} label={label} />;
}
