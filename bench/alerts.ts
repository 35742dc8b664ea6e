/**
 * `deno task bench alerts`: the anomaly detector on a labelled set (`alerts_labelled.ts`) —
 * 200 synthetic campaign histories with weekly seasonality and noise, half with one injected
 * anomaly — printing precision, recall (goal: both ≥ 0.9), per-type recall, the false alarms,
 * and the time per history against a baseline of merely reading each history's rows.
 *
 * Options: `--count N` (default 200), `--seed S` (default `aae-alerts`), `--rounds N` timing
 * rounds (default 20); `--seeds a,b,c` scores one set per seed instead, one line each (no
 * timing) and the minimum and mean of precision and recall over them.
 *
 * @module
 */
import { DEFAULT_ALERT_THRESHOLDS } from "../domain/alerts/types.ts";
import {
  generateLabelledSet,
  type LabelledHistory,
  type LabelledScore,
  scoreDetector,
} from "./alerts_labelled.ts";

const GOAL = 0.9;

/** Entry point called by `bench/main.ts`. */
export function main(args: string[]): Promise<void> {
  const option = (name: string, fallback: string) => {
    const index = args.indexOf(`--${name}`);
    return index >= 0 ? args[index + 1] : fallback;
  };
  const count = Number(option("count", "200"));
  const seeds = option("seeds", "");
  if (seeds !== "") compareSeeds(seeds.split(",").filter((seed) => seed !== ""), count);
  else benchOneSeed(option("seed", "aae-alerts"), count, Number(option("rounds", "20")));
  return Promise.resolve();
}

const met = (score: LabelledScore) =>
  score.precision >= GOAL && score.recall >= GOAL ? "met" : "NOT met";

/** "cpa_up 12/13": the per-type recall. */
const typeRecall = (score: LabelledScore) =>
  Object.entries(score.byType).map(([type, [found, injected]]) => `${type} ${found}/${injected}`);

/** "12 (found 3)": the draws set aside as below the minimum detectable size, and the hits. */
function setAsideOf(histories: readonly LabelledHistory[]): string {
  const setAside = histories.flatMap((history) => history.setAside);
  return `${setAside.length} (found ${scoreDetector(setAside).truePositives})`;
}

function benchOneSeed(seed: string, count: number, rounds: number): void {
  const histories = generateLabelledSet({ count, seed });
  const score = scoreDetector(histories);
  console.log(`alerts bench: ${count} histories (seed ${seed}), ${count / 2} with an anomaly`);
  console.log(
    `precision ${score.precision.toFixed(3)} (${score.truePositives} hits, ` +
      `${score.falsePositives} false alarms)  recall ${score.recall.toFixed(3)} ` +
      `(${score.falseNegatives} missed)  goal ≥ ${GOAL}: ${met(score)}`,
  );
  console.log(
    `draws of a rate shift set aside as below the minimum detectable size: ` +
      setAsideOf(histories),
  );
  console.log(`hits whose alerts include the injected type: ${score.typeMatched}`);
  for (const line of typeRecall(score)) console.log(`  ${line}`);
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
}

function compareSeeds(seeds: readonly string[], count: number): void {
  console.log(`alerts bench: ${seeds.length} seeds × ${count} histories`);
  const scores = seeds.map((seed) => {
    const histories = generateLabelledSet({ count, seed });
    const score = scoreDetector(histories);
    console.log(
      `${seed.padEnd(12)} P ${score.precision.toFixed(3)}  R ${score.recall.toFixed(3)}  ` +
        `${met(score).padEnd(7)}  set aside ${setAsideOf(histories).padEnd(13)}  ` +
        typeRecall(score).join("  "),
    );
    return score;
  });
  const summary = (read: (score: LabelledScore) => number) => {
    const values = scores.map(read);
    const mean = values.reduce((total, value) => total + value, 0) / values.length;
    return `min ${Math.min(...values).toFixed(3)} mean ${mean.toFixed(3)}`;
  };
  console.log(`precision ${summary((score) => score.precision)}`);
  console.log(`recall    ${summary((score) => score.recall)}`);
  const totals: Record<string, [number, number]> = {};
  for (const score of scores) {
    for (const [type, [found, injected]] of Object.entries(score.byType)) {
      const total = totals[type] ??= [0, 0];
      total[0] += found;
      total[1] += injected;
    }
  }
  console.log(
    "per type, all seeds: " +
      Object.entries(totals).map(([type, [found, injected]]) =>
        `${type} ${(found / injected).toFixed(3)} (${found}/${injected})`
      ).join("  "),
  );
}
