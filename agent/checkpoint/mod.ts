/**
 * LangGraph checkpoint persistence on the app's database: the Kysely saver and its retention.
 *
 * @module
 */
export { type AppSaver, openAppSaver } from "./app_saver.ts";
export { GuardedSaver } from "./guarded_saver.ts";
export { KyselySaver, type KyselySaverOptions, type WriteGuard } from "./kysely_saver.ts";
export { pruneCheckpoints, type PruneOptions, type PruneReport } from "./retention.ts";
export { type CheckpointStorageBytes, checkpointStorageBytes } from "./storage_size.ts";
