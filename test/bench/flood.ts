/**
 * A flood of unauthenticated uploads, in its own process so it never shares an event loop with the
 * load generator: `senders` loops, each posting a multipart body of `parts` small parts without a
 * key, over raw sockets (headers, then the body in 64 kB writes until the service answers or closes
 * the connection). Reports over IPC once started, and how many it sent when asked to stop (SIGTERM).
 *   flood.ts <url> <path> <senders> <parts>
 */
import { connect } from 'node:net';

const [url, path, sendersText, partsText] = process.argv.slice(2);
const { hostname, port } = new URL(url!);
const part = `--x\r\nContent-Disposition: form-data; name="f"\r\n\r\n${'a'.repeat(20)}\r\n`;
const body = Buffer.from(`${part.repeat(Number(partsText))}--x--\r\n`);
const head = Buffer.from(
  `POST ${path} HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: multipart/form-data; boundary=x\r\ncontent-length: ${body.length}\r\n\r\n`,
);
let running = true;
let sent = 0;
let answered = 0;

function once(): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let offset = 0;
    const finish = () => {
      socket.destroy();
      resolve();
    };
    socket.once('data', () => {
      answered++;
      finish();
    });
    socket.once('error', finish);
    socket.once('close', finish);
    const pump = () => {
      while (offset < body.length) {
        const chunk = body.subarray(offset, offset + 65_536);
        offset += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
    };
    socket.once('connect', () => {
      sent++;
      socket.write(head);
      pump();
    });
  });
}

async function sender(): Promise<void> {
  while (running) await once();
}

const senders = Array.from({ length: Number(sendersText) }, sender);
process.send?.({ bytes: body.length });
process.on('SIGTERM', async () => {
  running = false;
  await Promise.all(senders);
  process.send?.({ sent, answered }, () => process.exit(0));
});
