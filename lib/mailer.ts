/**
 * Outgoing email over SMTP, through nodemailer. `SMTP_URL` names the server
 * (`smtp://user:pass@host:587`, `smtps://…:465`); the domain only sees the `Mailer` interface,
 * so tests can point it at a local SMTP server.
 *
 * @module
 */
import nodemailer from "nodemailer";

/** One message. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends mail; `send` resolves once the server accepted the message. */
export interface Mailer {
  /** Resolves with the server's reply (e.g. `250 OK`); rejects when it refused or was unreachable. */
  send(message: MailMessage): Promise<{ response: string }>;
  close(): void;
}

/** A mailer for the SMTP server at `url`, sending from `from` (`Name <address>`). */
export function createSmtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    async send(message) {
      const info = await transport.sendMail({ from, ...message });
      return { response: String(info.response ?? "") };
    },
    close: () => transport.close(),
  };
}
