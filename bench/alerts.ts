/**
 * `deno task bench alerts`: the anomaly detector on a labelled set (`alerts_labelled.ts`) —
 * 200 synthetic campaign histories with weekly seasonality and noise, half with one injected
 * anomaly — printing precision, recall (goal: both ≥ 0.9), per-type recall, the false alarms,
 * and the time per history against a baseline of merely reading each history's rows.
 *
 * Options: `--count N` (default 200), `--seed S` (default `aae-alerts`), `--rounds N` timing
 * rounds (default 20).
 *
 * @module
 */
import { DEFAULT_ALERT_THRESHOLDS } from "../domain/alerts/types.ts";
import { generateLabelledSet, scoreDetector } from "./alerts_labelled.ts";

const GOAL = 0.9;

/** Entry point called by `bench/main.ts`. */
export function main(args: string[]): Promise<void> {
  const option = (name: string, fallback: string) => {
    const index = args.indexOf(`--${name}`);
    return index >= 0 ? args[index + 1] : fallback;
  };
  const count = Number(option("count", "200"));
  const seed = option("seed", "aae-alerts");
  const rounds = Number(option("rounds", "20"));

  const histories = generateLabelledSet({ count, seed });
  const score = scoreDetector(histories);
  console.log(`alerts bench: ${count} histories (seed ${seed}), ${count / 2} with an anomaly`);
  console.log(
    `precision ${score.precision.toFixed(3)} (${score.truePositives} hits, ` +
      `${score.falsePositives} false alarms)  recall ${score.recall.toFixed(3)} ` +
      `(${score.falseNegatives} missed)  goal ≥ ${GOAL}: ` +
      (score.precision >= GOAL && score.recall >= GOAL ? "met" : "NOT met"),
  );
  console.log(`hits whose alerts include the injected type: ${score.typeMatched}`);
  for (const [type, [found, injected]] of Object.entries(score.byType)) {
    console.log(`  ${type.padEnd(24)} ${found}/${injected}`);
  }
  if (Object.keys(score.falseAlarmTypes).length > 0) {
    console.log(`false alarm types: ${JSON.stringify(score.falseAlarmTypes)}`);
  }

  // Timing: detection against a baseline pass that only indexes each history's rows by date.
  const time = (work: () => void) => {
    work(); // warm-up
    const started = performance.now();
    for (let round = 0; round < rounds; round++) work();
    return (performance.now() - started) / rounds;
  };
  const indexing = time(() => {
    for (const history of histories) new Map(history.days.map((day) => [day.date, day]));
  });
  const detecting = time(() => scoreDetector(histories, DEFAULT_ALERT_THRESHOLDS));
  console.log(
    `time: ${detecting.toFixed(2)} ms for ${count} histories ` +
      `(${(detecting / count * 1000).toFixed(1)} µs each); ` +
      `${(detecting / Math.max(indexing, 1e-9)).toFixed(1)}× the time of indexing their rows`,
  );
  return Promise.resolve();
}
