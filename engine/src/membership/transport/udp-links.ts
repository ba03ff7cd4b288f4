import { createSocket, type Socket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import type { Medium } from '../config/types';

/** One link: where it receives, and how it sends a datagram to everyone on it. */
export interface Link {
  index: number;
  describe: string;
  send(buf: Buffer): void;
  close(): void;
}

/** The IPv4 address and broadcast address of an interface, or an error naming it. */
function interfaceAddress(name: string): { address: string; broadcast: string } {
  const addrs = networkInterfaces()[name];
  const v4 = addrs?.find((a) => a.family === 'IPv4');
  if (!v4) throw new Error(`interface ${name} has no IPv4 address (ha.cf names it in a bcast/mcast/ucast line)`);
  const ip = v4.address.split('.').map(Number);
  const mask = v4.netmask.split('.').map(Number);
  return { address: v4.address, broadcast: ip.map((o, i) => (o | (~mask[i]! & 255)) & 255).join('.') };
}

function bound(sock: Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.bind({ port, address, exclusive: false }, () => {
      sock.off('error', reject);
      resolve();
    });
  });
}

/**
 * Opens the UDP sockets of the configured media, one link per `bcast` interface, per `mcast`
 * line, and per interface of `ucast` lines (its peers together): bcast receives on the subnet's
 * broadcast address and sends from the interface's own address; ucast receives on the
 * interface's address and sends to each peer; mcast joins the group on the interface.
 * `onFrame(link, buf)` gets every datagram.
 *
 * @example
 * const links = await openLinks(config.media, config.udpport, (link, buf) => node.step({ type: 'wire', now: clock(), link, wire: buf }));
 */
export async function openLinks(
  media: readonly Medium[],
  udpport: number,
  onFrame: (link: number, buf: Buffer) => void,
  onError: (link: number, err: Error) => void = () => {},
): Promise<Link[]> {
  const links: Link[] = [];
  const ucast = new Map<string, string[]>();
  for (const m of media) if (m.kind === 'ucast') ucast.set(m.interface, [...(ucast.get(m.interface) ?? []), m.peer]);
  const groups: Medium[] = [...media.filter((m) => m.kind !== 'ucast')];
  for (const [iface, peers] of ucast) groups.push({ kind: 'ucast', interface: iface, peer: peers.join(',') });
  try {
    for (const m of groups) {
      const index = links.length;
      const { address, broadcast } = interfaceAddress(m.interface);
      const recv = createSocket({ type: 'udp4', reuseAddr: true });
      recv.on('message', (buf) => onFrame(index, buf));
      // A send that fails (no route while the link is down, EMSGSIZE) must not kill the daemon.
      recv.on('error', (err) => onError(index, err));
      if (m.kind === 'bcast') {
        await bound(recv, udpport, broadcast);
        const out = createSocket({ type: 'udp4', reuseAddr: true });
        out.on('error', (err) => onError(index, err));
        await bound(out, 0, address);
        out.setBroadcast(true);
        links.push({
          index,
          describe: `bcast ${m.interface} ${broadcast}:${udpport}`,
          send: (b) => out.send(b, udpport, broadcast, (err) => err && onError(index, err)),
          close: () => {
            recv.close();
            out.close();
          },
        });
      } else if (m.kind === 'ucast') {
        await bound(recv, udpport, address);
        const peers = m.peer.split(',');
        links.push({
          index,
          describe: `ucast ${m.interface} ${address}:${udpport} → ${peers.join(' ')}`,
          send: (b) => {
            for (const p of peers) recv.send(b, udpport, p, (err) => err && onError(index, err));
          },
          close: () => recv.close(),
        });
      } else {
        await bound(recv, m.port, m.group);
        recv.addMembership(m.group, address);
        recv.setMulticastInterface(address);
        recv.setMulticastTTL(m.ttl);
        recv.setMulticastLoopback(m.loop);
        links.push({
          index,
          describe: `mcast ${m.interface} ${m.group}:${m.port}`,
          send: (b) => recv.send(b, m.port, m.group, (err) => err && onError(index, err)),
          close: () => recv.close(),
        });
      }
    }
  } catch (e) {
    for (const l of links) l.close();
    throw e;
  }
  return links;
}
