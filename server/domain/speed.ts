/**
 * Plan speeds as WispHub Net writes them ("10M", "10240k", "10 Mbps", "1G") to kbps.
 * MikroTik convention: 1M = 1024k (so "10M" and "10240k" are the same speed).
 */

const UNIT_KBPS: Record<string, number> = { k: 1, m: 1024, g: 1024 * 1024 };

export function parseSpeedKbps(raw: string | null | undefined): number | null {
  if (!raw) return null;
  const match = raw
    .trim()
    .toLowerCase()
    .replace(',', '.')
    .match(/^(\d+(?:\.\d+)?)\s*([kmg])?(?:b(?:ps|its?\/s)?|bps)?$/);
  if (!match) return null;
  const value = Number(match[1]);
  const unit = match[2] ?? 'k';
  const kbps = Math.round(value * UNIT_KBPS[unit]!);
  return kbps > 0 ? kbps : null;
}
