/**
 * A checkpoint saver that refuses to write for a runner that lost its run: every `put` and
 * `putWrites` first checks the run's fence (lease still held, `lease_epoch` unchanged), so a
 * paused or partitioned runner cannot append checkpoints to a thread another runner now owns.
 * Reads and version numbering are the wrapped saver's.
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
import type { RunFence } from "./store.ts";

/** `inner`, with writes fenced by `fence`. */
export class FencedSaver extends BaseCheckpointSaver<number> {
  constructor(
    private readonly inner: BaseCheckpointSaver<number>,
    private readonly fence: RunFence,
  ) {
    super(inner.serde);
  }

  override getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    return this.inner.getTuple(config);
  }

  override list(
    config: RunnableConfig,
    options?: CheckpointListOptions,
  ): AsyncGenerator<CheckpointTuple> {
    return this.inner.list(config, options);
  }

  override async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    await this.fence.check();
    return await this.inner.put(config, checkpoint, metadata, newVersions);
  }

  override async putWrites(
    config: RunnableConfig,
    writes: PendingWrite[],
    taskId: string,
    taskPath?: string,
  ): Promise<void> {
    await this.fence.check();
    await this.inner.putWrites(config, writes, taskId, taskPath);
  }

  override deleteThread(threadId: string): Promise<void> {
    return this.inner.deleteThread(threadId);
  }

  override getNextVersion(current: number | undefined): number {
    return this.inner.getNextVersion(current);
  }
}
