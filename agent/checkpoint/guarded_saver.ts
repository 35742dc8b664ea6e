/**
 * A view of a `KyselySaver` whose every write carries a `WriteGuard`: e.g. a runner's view that
 * stores nothing once another runner has taken its run over. Reads, version numbering and the
 * delta cache are the wrapped saver's.
 *
 * @module
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import {
  BaseCheckpointSaver,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointTuple,
  type PendingWrite,
} from "@langchain/langgraph-checkpoint";
import type { KyselySaver, WriteGuard } from "./kysely_saver.ts";

/** `saver`, with writes guarded by `guard`. */
export class GuardedSaver extends BaseCheckpointSaver<number> {
  readonly #saver: KyselySaver;
  readonly #guard: WriteGuard;

  constructor(saver: KyselySaver, guard: WriteGuard) {
    super(saver.serde);
    this.#saver = saver;
    this.#guard = guard;
  }

  override getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    return this.#saver.getTuple(config);
  }

  override list(
    config: RunnableConfig,
    options?: CheckpointListOptions,
  ): AsyncGenerator<CheckpointTuple> {
    return this.#saver.list(config, options);
  }

  override put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    return this.#saver.put(config, checkpoint, metadata, newVersions, this.#guard);
  }

  override putWrites(
    config: RunnableConfig,
    writes: PendingWrite[],
    taskId: string,
    taskPath?: string,
  ): Promise<void> {
    return this.#saver.putWrites(config, writes, taskId, taskPath, this.#guard);
  }

  override deleteThread(threadId: string): Promise<void> {
    return this.#saver.deleteThread(threadId);
  }

  override getNextVersion(current: number | undefined): number {
    return this.#saver.getNextVersion(current);
  }
}
