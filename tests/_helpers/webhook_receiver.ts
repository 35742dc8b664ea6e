/**
 * A real local HTTP server receiving webhooks, for the notification tests: it records every
 * request (delivery id, body, whether the signature checks out), answers 500 to the first
 * `failFirst` requests and 200 afterwards, and counts 2xx answers per delivery id.
 *
 * @module
 */
import { verifyWebhookSignature } from "../../domain/notifications/signature.ts";

/** One received request. */
export interface ReceivedWebhook {
  deliveryId: string;
  body: string;
  signatureValid: boolean;
  /** What the receiver answered. */
  status: number;
}

/** A running receiver. */
export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** The secret to check signatures with (set once the endpoint is created). */
  secret: string;
  /** Delivery ids in the order they were first answered with 2xx. */
  accepted(): string[];
  /** With `holdRequest`: resolves once that request arrived (it is then held unanswered). */
  held: Promise<void>;
  /** Lets the held request be answered. */
  release(): void;
  close(): Promise<void>;
}

/**
 * Starts a receiver on a free port. `holdRequest` (0-based) keeps that request waiting for an
 * answer until `release()`, so a test can kill the sender while an attempt is in flight.
 */
export function startWebhookReceiver(
  failFirst: number,
  options: { holdRequest?: number } = {},
): WebhookReceiver {
  const received: ReceivedWebhook[] = [];
  const arrived = Promise.withResolvers<void>();
  const released = Promise.withResolvers<void>();
  let requests = 0;
  const receiver: WebhookReceiver = {
    url: "",
    received,
    secret: "",
    accepted: () =>
      received.filter((request) => request.status === 200).map((request) => request.deliveryId),
    held: arrived.promise,
    release: () => released.resolve(),
    close: async () => {
      released.resolve();
      await server.shutdown();
    },
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const body = await request.text();
    const index = requests++;
    if (index === options.holdRequest) {
      arrived.resolve();
      await released.promise;
    }
    const status = index < failFirst ? 500 : 200;
    received.push({
      deliveryId: request.headers.get("x-aae-delivery") ?? "",
      body,
      signatureValid: await verifyWebhookSignature(
        receiver.secret,
        body,
        request.headers.get("x-aae-signature") ?? "",
      ),
      status,
    });
    return new Response(status === 200 ? "ok" : "try again", { status });
  });
  receiver.url = `http://127.0.0.1:${server.addr.port}/hook`;
  return receiver;
}
