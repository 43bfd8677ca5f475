/**
 * Twilio's Messages API (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, form-encoded,
 * HTTP Basic with the account SID and auth token): a WhatsApp reply sent when a turn outlived the
 * webhook. Sending is an effect: a call whose outcome is unknown (a timeout after the request
 * left) is not retried, so a customer never gets the same reply twice.
 */

import { type MediaFile, readLimited } from '../channel';

export interface TwilioAccount {
  accountSid: string;
  authToken: string;
  /** https://api.twilio.com, or the embedded Twilio simulator. */
  apiBaseUrl: string;
  /** The WhatsApp sender, `whatsapp:+1…`. */
  from: string;
}

export class TwilioSendError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'TwilioSendError';
  }
}

export async function sendWhatsApp(account: TwilioAccount, to: string, body: string, statusCallback: string | null): Promise<string> {
  const form = new URLSearchParams({ To: to, From: account.from, Body: body.slice(0, 1600) });
  if (statusCallback) form.set('StatusCallback', statusCallback);
  const response = await fetch(`${account.apiBaseUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${account.accountSid}/Messages.json`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${account.accountSid}:${account.authToken}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: form,
    signal: AbortSignal.timeout(15_000),
  });
  const answer = (await response.json().catch(() => ({}))) as { sid?: string; message?: string; code?: number };
  if (!response.ok || !answer.sid)
    throw new TwilioSendError(`Twilio answered ${response.status}: ${answer.message ?? 'no message sid'}`, response.status);
  return answer.sid;
}

/** A file a customer sent (MediaUrlN): Twilio serves it to the account's Basic credentials. */
export async function fetchTwilioMedia(account: TwilioAccount, url: string, limitBytes: number): Promise<MediaFile> {
  const response = await fetch(url, {
    headers: { authorization: `Basic ${Buffer.from(`${account.accountSid}:${account.authToken}`).toString('base64')}` },
    redirect: 'follow',
    signal: AbortSignal.timeout(15_000),
  });
  if (!response.ok) throw new TwilioSendError(`Twilio media answered ${response.status}`, response.status);
  return {
    bytes: await readLimited(response, limitBytes),
    contentType: (response.headers.get('content-type') ?? '').split(';')[0]!.trim(),
  };
}
