/**
 * A user's notification settings: per channel (in-app, webhooks, email) whether it is on, which
 * severities and which types reach it, and whether email comes as one daily digest instead of
 * one message each. Users who never saved settings get `DEFAULT_NOTIFICATION_SETTINGS`.
 *
 * @module
 */
import { z } from "zod";

/** How urgent a notification is, least first. */
export const SEVERITIES = ["info", "warning", "critical"] as const;
/** How urgent a notification is. */
export type Severity = (typeof SEVERITIES)[number];
/** The severity schema. */
export const severitySchema = z.enum(SEVERITIES);

/** The channels a notification may go to. */
export const CHANNELS = ["inApp", "webhook", "email"] as const;
/** A channel. */
export type Channel = (typeof CHANNELS)[number];

/** One channel's filter. */
export const channelSettingsSchema = z.strictObject({
  enabled: z.boolean(),
  /** Severities that go to this channel. */
  severities: z.array(severitySchema).max(SEVERITIES.length),
  /** Types that go to this channel (`cpa_up`, `approval_requested`, …); null: every type. */
  types: z.array(z.string().trim().min(1).max(64).regex(/^[a-z0-9_.:-]+$/)).max(100).nullable(),
});
/** One channel's filter. */
export type ChannelSettings = z.output<typeof channelSettingsSchema>;

/** Everything a user chooses. */
export const notificationSettingsSchema = z.strictObject({
  inApp: channelSettingsSchema,
  webhook: channelSettingsSchema,
  email: channelSettingsSchema,
  /** Email the day's notifications once (after the UTC day ends) instead of one by one. */
  emailDigest: z.boolean(),
});
/** Everything a user chooses. */
export type NotificationSettings = z.output<typeof notificationSettingsSchema>;

/** In-app and webhooks get everything; email only warnings and critical ones, one by one. */
export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = {
  inApp: { enabled: true, severities: [...SEVERITIES], types: null },
  webhook: { enabled: true, severities: [...SEVERITIES], types: null },
  email: { enabled: true, severities: ["warning", "critical"], types: null },
  emailDigest: false,
};

/** Whether a notification of `type` and `severity` goes to a channel with these settings. */
export function channelAccepts(
  channel: ChannelSettings,
  notification: { type: string; severity: Severity },
): boolean {
  return channel.enabled && channel.severities.includes(notification.severity) &&
    (channel.types === null || channel.types.includes(notification.type));
}

/** Stored settings read back, falling back to the defaults for anything unreadable. */
export function settingsFromStored(stored: unknown): NotificationSettings {
  const parsed = notificationSettingsSchema.safeParse(stored);
  return parsed.success ? parsed.data : DEFAULT_NOTIFICATION_SETTINGS;
}
