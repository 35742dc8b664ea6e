/**
 * A real local SMTP server (the npm `smtp-server` package) collecting messages, parsed with
 * `mailparser`, for the email notification tests.
 *
 * @module
 */
import { SMTPServer } from "smtp-server";
import { simpleParser } from "mailparser";

/** A received message. */
export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
}

/** A running SMTP server. */
export interface LocalSmtpServer {
  /** `smtp://127.0.0.1:<port>` */
  url: string;
  messages: ReceivedMail[];
  close(): Promise<void>;
}

/** Starts a server on a free port, without TLS or authentication. */
export async function startSmtpServer(): Promise<LocalSmtpServer> {
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => {
        const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
        messages.push({ to: to?.text ?? "", subject: mail.subject ?? "", text: mail.text ?? "" });
        callback();
      }, (error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
