import { CAL } from './calibration.js';
import type { PcieStage, Stage } from './stage.js';

/**
 * Ethernet and PCIe arithmetic. The NIC model charges a frame's *wire* size: frame + preamble +
 * inter-frame gap (a 64 B frame occupies 84 B, 67.2 ns at 10 Gb/s), because that is what bounds
 * the packet rate of a port (14.88 Mpps at 10 Gb/s). The lecture's "~50 ns" counts the frame
 * alone (51.2 ns); `frameTimeNs(64, 10, { onWire: false })` gives that figure.
 */
export function frameBytes(l4PayloadBytes: number, l4: 'tcp' | 'udp'): number {
  const e = CAL.ethernet;
  const headers = (l4 === 'tcp' ? e.tcpHeaderBytes : e.udpHeaderBytes) + e.ipv4HeaderBytes;
  // A message over one MTU goes as several segments (TSO on send), each with its own headers.
  const segments = Math.max(1, Math.ceil(l4PayloadBytes / (e.mtuBytes - headers)));
  return Math.max(e.minFrameBytes, l4PayloadBytes + segments * (headers + e.frameOverheadBytes));
}

export function frameTimeNs(frame: number, gbps: number, opts: { onWire?: boolean } = {}): number {
  const bytes = frame + (opts.onWire === false ? 0 : CAL.ethernet.wireOverheadBytes);
  return (bytes * 8) / gbps;
}

/** Bytes a DMA of `payload` puts on a PCIe link: the payload split in TLPs, each with its header. */
export function pcieWireBytes(payload: number): number {
  return payload + pcieTransactions(payload) * CAL.pcie.tlpOverheadBytes;
}

/** Receive side: the NIC parses the frame and DMA-writes it and its descriptor to host memory. */
export function nicReceive(frame: number, interrupts: boolean): Stage[] {
  const stages: Stage[] = [
    { kind: 'delay', name: 'nic.rx-pipeline', domain: 'hardware', ns: CAL.nic.pipelineNs },
    dma('dma.rx-packet', 'up', frame, CAL.pcie.postedWriteNs),
    dma('dma.rx-descriptor', 'up', CAL.nic.descriptorBytes, 0),
  ];
  if (interrupts) {
    stages.push({ kind: 'delay', name: 'nic.interrupt', domain: 'hardware', ns: CAL.nic.interruptDeliveryNs, event: 'interrupt' });
  }
  return stages;
}

/**
 * Transmit side: the driver rings the doorbell (an MMIO write), the NIC fetches the descriptor,
 * then the frame (two DMA read round trips), and hands it to the MAC.
 */
export function nicTransmit(frame: number): Stage[] {
  return [
    dma('mmio.doorbell', 'down', 4, CAL.pcie.postedWriteNs),
    dma('dma.tx-descriptor', 'down', CAL.nic.descriptorBytes, CAL.pcie.readRoundTripNs),
    dma('dma.tx-packet', 'down', frame, CAL.pcie.readRoundTripNs),
    { kind: 'delay', name: 'nic.tx-pipeline', domain: 'hardware', ns: CAL.nic.pipelineNs },
  ];
}

/** A DMA (or MMIO write) on one direction of the link. */
export function dma(name: string, direction: 'up' | 'down', bytes: number, latencyNs: number): PcieStage {
  return { kind: 'pcie', name, domain: 'hardware', direction, bytes, latencyNs };
}

/** Transactions (TLPs) a DMA of `bytes` takes: one per max payload. */
export function pcieTransactions(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / CAL.pcie.maxPayloadBytes));
}
