/**
 * Meta's WhatsApp Cloud API, the sending side: `POST {graph}/{version}/{phone-number-id}/messages`
 * with the access token as a Bearer, a text message to a wa_id. Like any effect, a send whose
 * outcome is unknown (a timeout after the request left) is not retried.
 */

import { type MediaFile, readLimited } from '../channel';

export interface MetaAccount {
  /** The app secret: X-Hub-Signature-256 on every webhook. */
  appSecret: string;
  /** What Meta's GET handshake must present as hub.verify_token. */
  verifyToken: string;
  accessToken: string;
  phoneNumberId: string;
  /** https://graph.facebook.com, or the embedded simulator. */
  graphBaseUrl: string;
  graphVersion: string;
}

export class MetaSendError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'MetaSendError';
  }
}

export async function sendWhatsAppText(account: MetaAccount, to: string, body: string): Promise<string> {
  const url = `${account.graphBaseUrl.replace(/\/$/, '')}/${account.graphVersion}/${account.phoneNumberId}/messages`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${account.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to,
      type: 'text',
      text: { preview_url: false, body: body.slice(0, 4096) },
    }),
    signal: AbortSignal.timeout(15_000),
  });
  const answer = (await response.json().catch(() => ({}))) as { messages?: { id?: string }[]; error?: { message?: string } };
  const id = answer.messages?.[0]?.id;
  if (!response.ok || !id)
    throw new MetaSendError(`Meta answered ${response.status}: ${answer.error?.message ?? 'no message id'}`, response.status);
  return id;
}

/** A file a customer sent (`meta-media:<id>`): the Graph API names its URL, which serves it to the access token. */
export async function fetchMetaMedia(account: MetaAccount, reference: string, limitBytes: number): Promise<MediaFile> {
  const id = /^meta-media:(\d{1,30})$/.exec(reference)?.[1];
  if (!id) throw new MetaSendError('not a Meta media reference', null);
  const headers = { authorization: `Bearer ${account.accessToken}` };
  const described = await fetch(`${account.graphBaseUrl.replace(/\/$/, '')}/${account.graphVersion}/${id}`, {
    headers,
    signal: AbortSignal.timeout(15_000),
  });
  const { url, mime_type: mimeType } = (await described.json().catch(() => ({}))) as { url?: string; mime_type?: string };
  if (!described.ok || !url) throw new MetaSendError(`Meta media lookup answered ${described.status}`, described.status);
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(15_000) });
  if (!response.ok) throw new MetaSendError(`Meta media answered ${response.status}`, response.status);
  return {
    bytes: await readLimited(response, limitBytes),
    contentType: mimeType ?? (response.headers.get('content-type') ?? '').split(';')[0]!.trim(),
  };
}
