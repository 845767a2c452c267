/**
 * Every calibration constant of the model, with where it comes from. Software costs are in
 * cycles of the testbed they were measured on (Sandy Bridge at 2.2 GHz for Arrakis and FlexNIC),
 * so `hardware.cpu.ghz` scales them. Changing a value here changes MODEL_VERSION's hash.
 *
 * Sources:
 *  [A1] Peter et al., "Arrakis: The Operating System is the Control Plane", OSDI'14, Table 1
 *       (network stack per packet, UDP echo, µs).
 *  [A2] same paper, Table 2 (Redis per request, µs, 1 KB values).
 *  [A3] same paper, Fig. 2 (ext4 on a RAM disk: pure file-system CPU), read from the chart.
 *  [A4] same paper, §2 / testbed: RAID with flash-backed cache, 25 µs per 1 KB write; ioDrive2 15 µs.
 *  [AA] Adams & Agesen, ASPLOS'06 (VMM operation costs, cycles).
 *  [PCIe] Neugebauer et al., "Understanding PCIe performance for end host networking",
 *       SIGCOMM'18: DMA read round trips of ~400–600 ns on Xeon E5 hosts; 24 B of TLP overhead.
 *  [FSC] Soares & Stumm, "FlexSC", OSDI'10: system calls pollute caches and TLBs and slow the
 *       user code that follows them.
 *  [ETH] IEEE 802.3 framing: 8 B preamble + 12 B inter-frame gap per frame on the wire.
 *  (fit) a remainder the papers do not break down, set so the published totals come out; the
 *       comment says what it stands for.
 */

/** The clock the [A1]/[A2]/[A3] cycle counts were measured at. */
export const TESTBED_GHZ = 2.2;
const us = (micros: number) => Math.round(micros * TESTBED_GHZ * 1000); // µs at 2.2 GHz -> cycles

export const CAL = {
  ethernet: {
    /** [ETH] preamble + start delimiter (8 B) and inter-frame gap (12 B) occupy the wire too. */
    wireOverheadBytes: 20,
    /** Ethernet header 14 B + FCS 4 B. */
    frameOverheadBytes: 18,
    minFrameBytes: 64,
    ipv4HeaderBytes: 20,
    udpHeaderBytes: 8,
    tcpHeaderBytes: 20,
    /** Standard Ethernet MTU: larger messages go as several segments, each with its headers. */
    mtuBytes: 1500,
  },

  nic: {
    /** 82599 internal pipeline per packet and direction (assumption: ~100 ns). */
    pipelineNs: 100,
    /** MSI-X interrupt delivery to the core; only paths that take interrupts pay it (assumption). */
    interruptDeliveryNs: 250,
    /** Descriptor size of the 82599 advanced descriptors. */
    descriptorBytes: 16,
  },

  pcie: {
    /** [PCIe] a DMA read's round trip (request up, completion down), before payload time. */
    readRoundTripNs: 300,
    /** [PCIe] a posted write reaches memory in about half a round trip. */
    postedWriteNs: 150,
    /** [PCIe] TLP header + framing per transaction, and the max payload per TLP. */
    tlpOverheadBytes: 24,
    maxPayloadBytes: 256,
    /**
     * (fit) link time per transaction beyond its bytes: DLLP acknowledgements and flow-control
     * credit updates, and the NIC's DMA engine turning around between transactions. The spec's
     * `pcie.gbps` is payload bandwidth; this is the "per-transaction cost" EXPERIMENT-SPEC.md
     * leaves to calibration. It occupies the link (capacity), not the transfer's own time.
     * Fitted so that the FlexNIC testbed's link (PCIe 2.0 x8) limits FlexKVS from 4 cores on
     * with key steering, as the FlexNIC paper reports.
     */
    transactionNs: 34,
  },

  storage: {
    /**
     * [A4] RAID controller, flash-backed write cache: 25 µs per 1 KB write. A write's latency
     * is per command up to one 4 KB block (firmware-bound, not size-bound); larger writes add
     * their transfer at `bandwidthMBps`.
     */
    'raid-flash-cache': {
      writeLatencyUs: 25,
      readLatencyUs: 100,
      /**
       * (fit) the controller's firmware handles one cached write at a time for 18.5 µs of the
       * 25 µs; the rest overlaps with the next command. This bounds an asynchronous writer at
       * ~54k writes/s, which with Linux's synchronous fsync gives the published 9x SET ratio.
       */
      commandOccupancyUs: 18.5,
      bandwidthMBps: 2000,
    },
    /** [A4] Fusion-io ioDrive2: 15 µs writes; ~250k small-write IOPS (vendor sheet). */
    iodrive2: { writeLatencyUs: 15, readLatencyUs: 68, commandOccupancyUs: 4, bandwidthMBps: 1500 },
    custom: { writeLatencyUs: 25, readLatencyUs: 100, commandOccupancyUs: 10, bandwidthMBps: 1000 },
  },

  cpu: {
    /**
     * [A1] note: waking a thread on another (or idle) core costs a context switch, ~2.2 µs, and
     * slows the code after it by ~0.6 µs.
     */
    contextSwitch: us(2.2),
    wakeSlowdown: us(0.6),
    /**
     * A cache line that was last written on another core is fetched from it (a HITM snoop).
     * Sandy Bridge: LLC ≈ 15 ns (CALIBRATION.md); a cross-core transfer ≈ 4x that (assumption).
     */
    crossCoreLineNs: 60,
  },

  linux: {
    /** [A1] Linux, receiver running. */
    netstackIn: us(1.26),
    netstackOut: us(1.05),
    scheduler: us(0.17),
    syscallEnter: us(0.1),
    syscallReturn: us(0.1),
    /**
     * [A1] copy in 0.24 µs, copy out 0.44 µs, taken as measured on 1,024 B echo payloads: a
     * copy is 100 cycles of set-up plus a per-byte part chosen to give those figures at 1 KB.
     */
    copyFixed: 100,
    copyInPerByte: (us(0.24) - 100) / 1024,
    copyOutPerByte: (us(0.44) - 100) / 1024,
    /**
     * (fit) TCP and epoll work that [A1]'s UDP echo does not do. [A2] measures epoll 2.42,
     * recv 0.98 and send 3.17 µs; less the [A1] parts they contain that leaves 0.79, 0.72 and
     * 1.47 µs. We take 75% of each: [A2] ran with 1,600 connections, and the lecture's 9 µs
     * total (62% kernel) needs about that much.
     */
    epollExtra: us(0.79 * 0.75),
    tcpRecvExtra: us(0.72 * 0.75),
    tcpSendExtra: us(1.47 * 0.75),
    /**
     * [A2] the same Redis code runs 1.107x slower on Linux than on Arrakis/P
     * ((0.85 + 0.10 + 0.60) / (0.66 + 0.10 + 0.64)): the kernel's work on the same core evicts
     * the application's cache lines and TLB entries [FSC].
     */
    appPollution: (0.85 + 0.1 + 0.6) / (0.66 + 0.1 + 0.64) - 1,
    /**
     * Shared socket: memcached's UDP threads share one socket, so receive-queue operations
     * serialise on its lock and its cache lines move between cores. Cycles under the lock per
     * enqueue/dequeue (assumption) and the lines that move when the last holder was elsewhere.
     */
    socketLockCycles: 1500,
    socketLockLines: 8,
    /**
     * (fit) line transfers added to a ticket-lock hand-over per core still spinning on it; set
     * so that Linux's memcached throughput collapses past 2 cores as published (Arrakis/Linux
     * 1.8x, 2x, 3.1x on 1, 2, 4 cores).
     */
    ticketHandoffLines: 32,
    /** Lines of a received packet (skb + headers) that are cold when another core consumes it. */
    crossCorePacketLines: 4,
  },

  ext4: {
    /** [A2] write() of the AOF entry on Linux: 6.33 µs ([A3]'s RAM-disk 3–4 µs is its file-system part). */
    write: us(6.33),
    /** [A3] ext4 fsync CPU: ≈ 16 µs for 64 B, ≈ 25 µs for 1 KB — a fixed part plus a per-byte part. */
    fsyncFixed: us(16 - (64 * 9) / 960),
    fsyncPerByte: us(9 / 960),
    /**
     * In data=ordered mode fsync writes the data block, then the journal: a descriptor block
     * with the metadata an append dirties (inode, block bitmap, group descriptor), then the
     * commit record. Each is a device write; sizes in bytes.
     */
    dataWriteBytes: 4096,
    journalWriteBytes: [4 * 4096, 4096],
    /** Per block I/O: block layer with the CFQ scheduler and the RAID driver (assumption: 5 µs). */
    blockSubmit: us(5),
    /** Per block I/O: completion interrupt and softirq (assumption: like [A1]'s stack in, ×2). */
    blockComplete: us(2.5),
    /**
     * (fit) jbd2's commit work: building the descriptor, copying metadata buffers into the
     * journal, checksums — what is left of [A2]'s fsync (137.84 µs) after [A3]'s CPU, the
     * device writes, block I/O and hand-offs.
     */
    journalCommit: us(4),
  },

  arrakis: {
    /** [A1] Arrakis/P (POSIX interface in libIO). */
    netstackIn: us(0.32),
    netstackOut: us(0.27),
    copyFixed: 100,
    copyInPerByte: (us(0.27) - 100) / 1024,
    copyOutPerByte: (us(0.58) - 100) / 1024,
    /** [A2] Arrakis/P "write" 0.10 µs: appending to the persistent log on the virtual storage area. */
    vsaSubmit: us(0.1),
    /** Polling the VSA's completion queue, advancing the log's durable tail (assumption). */
    vsaComplete: us(0.5),
    /** Per request: libIO's POSIX event emulation hands the ready socket to the event loop (assumption). */
    eventDispatch: us(0.15),
    /** [A2] Arrakis/P SET "epoll" 1.49 µs vs GET 1.12: the event loop's extra work per persistent SET. */
    persistentEventLoop: us(1.49 - 1.12),
  },

  vm: {
    /** [AA] VM entry 937 cycles + a page-fault exit 1,186 cycles on a 2.66 GHz Core 2 ≈ one exit round trip. */
    exitRoundTrip: Math.round(((937 + 1186) / 2.66) * TESTBED_GHZ),
    /** [AA] trap-and-emulate system call: 2,308 vs 242 cycles native on a 3.8 GHz P4. */
    trappedSyscallExtra: Math.round(((2308 - 242) / 3.8) * TESTBED_GHZ),
    /** Host's share per packet: vhost/tap + bridge on the host (assumption: like [A1]'s stack in). */
    hostPacket: us(1.26),
    /** Emulated NIC: every register access exits; ~4 exits per packet (assumption). */
    emulatedExitsPerPacket: 4,
    /**
     * [AA] a guest page-table entry update under shadow paging: 391 cycles in a software VMM
     * (binary translation, no exit), 12,733 with first-generation VT-x (an exit each); on a
     * 3.8 GHz Pentium 4.
     */
    shadowPteUpdateTrapped: Math.round((391 / 3.8) * TESTBED_GHZ),
    shadowPteUpdateHardware: Math.round((12_733 / 3.8) * TESTBED_GHZ),
  },

  translation: {
    /** x86-64 four-level page tables, in the guest and in the host. */
    levels: 4,
    /**
     * Share of upper-level page-table entries found in the MMU's page-walk caches. They cut a
     * nested walk from 24 references towards a handful (Bhargava et al., ASPLOS'08 report most
     * of the 2D walk eliminated); 0.9 is an assumption.
     */
    pageWalkCacheHit: 0.9,
    /**
     * A page-walk reference mostly hits the cache hierarchy: Sandy Bridge LLC ≈ 15 ns
     * (CALIBRATION.md, FlexNIC testbed).
     */
    walkRefNs: 15,
    /** Memory accesses per request that need a translation beyond the hot code and stack:
     *  the hash bucket and the item for a KV request; a web request's buffers (assumption). */
    kvAccesses: 2,
    webAccesses: 2,
  },

  container: {
    /** Namespaced socket lookup and cgroup accounting per packet (assumption). */
    namespacePerPacket: us(0.1),
    /** Bridge mode: veth pair + Linux bridge + NAT per packet (assumption: ≈ 1.3 µs). */
    bridgePerPacket: us(1.3),
  },

  /** Application work, measured on Arrakis/P [A2] where no kernel pollutes the caches. */
  redis: {
    /** [A2] parse 0.66 µs (GET, ~60 B) and 1.19 µs (SET, ~1.1 KB): fixed + per request byte. */
    parseFixed: us(0.66) - Math.round(((us(1.19) - us(0.66)) / 1050) * 60),
    parsePerByte: (us(1.19) - us(0.66)) / 1050,
    /**
     * [A2] lookup 0.10 µs, measured with 65,536 1 KB items (67 MB, so ~73% of lookups miss the
     * 18 MB cache at ~80 ns): the in-cache part is 0.10 − 0.058 µs; the model adds the miss.
     */
    lookup: us(0.1 - 0.058),
    /** [A2] set key 0.43 µs for 1 KB (allocation and copy of the value), same miss share. */
    setFixed: us(0.1 - 0.058),
    setPerByte: (us(0.43) - us(0.1)) / 1024,
    /** [A2] log marshaling 2.43 µs for a 1 KB SET (AOF formatting). */
    marshalFixed: us(0.4),
    marshalPerByte: (us(2.43) - us(0.4)) / 1024,
    /** [A2] prepare response: GET 0.64 µs with 1 KB (bulk reply copy), SET 0.10 µs ("+OK"). */
    replyFixed: us(0.1),
    replyPerByte: (us(0.64) - us(0.1)) / 1024,
  },

  web: {
    /**
     * A small static-file server (the lecture's request path; no published per-part costs):
     * parse the HTTP request line and headers — like [A2]'s Redis parse, per byte — and format
     * the reply headers. (assumption)
     */
    parseFixed: us(0.6),
    parsePerByte: us(0.5) / 1024,
    formatReply: us(0.8),
    /** Page-cache lookup of the file's pages (radix-tree walk, refcounts) in read(). (assumption) */
    pageCacheLookup: us(0.3),
    /** A page-cache miss: allocate pages, insert them, build the bio. (assumption) */
    pageCacheMissExtra: us(1.5),
  },

  /**
   * FlexKVS (FlexNIC paper, §5; CALIBRATION.md): a KV server on a user-level UDP stack, one
   * thread per core polling its own receive queue; a hash table of 64 B entries (a spin lock, 5
   * item pointers and their hashes), items in a log; under 3,000 instructions per request. The
   * paper gives the whole per-request processing for flow steering (510 ns), key steering (310 ns)
   * and key steering with custom DMA (200 ns), not its parts; the parts below are assumptions
   * sized to those totals, and each mode's figure is the sum of the stages it still runs.
   */
  flexkvs: {
    /** Driver work per request not touched by the NIC program: poll the receive ring and refill
     *  a buffer; post the reply descriptor, ring the doorbell, reap the completion. (libIO) */
    driverRx: us(0.09),
    driverTx: us(0.13),
    /** UDP/IP header checks on the user-level stack. Custom DMA: the NIC parsed them. */
    protocolRx: us(0.04),
    /** Copying the request out of the receive buffer. Custom DMA writes it in place. */
    copyFixed: us(0.02),
    copyPerByte: us(0.01) / 64,
    /** Parsing the KV request header. Custom DMA hands over parsed fields. */
    parse: us(0.04),
    /** Polling the event queue a custom DMA writes into (replaces the three stages above). */
    eventQueue: us(0.005),
    /** Hashing the key in software (32 B). Key steering: the NIC's hash arrives with the request. */
    hashFixed: us(0.046),
    hashPerKeyByte: us(0.064) / 32,
    /**
     * Taking and releasing the bucket's spin lock, uncontended: two atomic operations. With key
     * steering each core owns its partition and needs no lock at all.
     */
    bucketLock: us(0.07),
    /** Bucket and item: compare hashes and the key, LRU and statistics. */
    lookup: us(0.115),
    /** Building the reply around the value. */
    replyFixed: us(0.07),
    replyPerValueByte: us(0.01) / 64,
    /**
     * Cache lines a request writes in the shared table (the bucket: lock and pointers). Under
     * flow steering any core touches any bucket, so with n cores a share (n−1)/n of them comes
     * from another core's cache; key steering keeps each bucket on its owner's core.
     */
    sharedLines: 1,
  },

  /**
   * Real-time analytics (the FlexNIC paper's Storm-like count/rank pipeline). No per-part costs
   * are published; these are assumptions of the same order as FlexKVS's stages.
   */
  analytics: {
    /** Reading the tuple's header and fields. */
    parse: us(0.05),
    /** Demultiplexing in software: hash the tuple's key, pick the worker, enqueue the tuple. */
    demuxHash: us(0.04),
    enqueue: us(0.06),
    /** The queue slot and the tuple's line move from the receiving core to the worker's. */
    handoffLines: 2,
    /** The worker's count: a hash-table increment. */
    count: us(0.12),
    /** The top-k rank: compare against the k-th count, occasionally re-sort (amortized). */
    rank: us(0.08),
    /** Building the acknowledgement to the source. */
    ackBuild: us(0.05),
  },

  flexnic: {
    /** Per match+action stage of the pipeline, at line rate (assumption: ~10 ns at 100 MHz-class clocks). */
    stageNs: 10,
    /** An event-queue entry a custom DMA writes beside the item (assumption: one 16 B entry). */
    eventEntryBytes: 16,
  },

  memcached: {
    /**
     * memcached 1.4 GET/SET (text protocol over UDP): libevent dispatch, parse, hash, item
     * lookup under a striped lock, LRU bump, stats, reply iovecs. (fit) 10,000 cycles ≈ 4.5 µs
     * at 2.2 GHz, the application share that with [A1]'s stacks gives the 1.8x one-core ratio.
     */
    request: 10000,
    perValueByte: 0.5,
  },

  memory: {
    /** FlexNIC testbed: Xeon E5-2430, 18 MB last-level cache (CALIBRATION.md). */
    llcBytes: 18 * 1024 * 1024,
    /** Sandy Bridge local DRAM access (assumption: ~80 ns). */
    dramNs: 80,
    /** Per stored item beyond key and value: hash entry, object headers (assumption). */
    itemOverheadBytes: 64,
  },

  /** Service-time spread: each software stage's cost is drawn from ±10% around its mean. */
  serviceJitter: 0.1,

  client: {
    /** Client stack + switch + propagation between a reply and the client's next request. */
    thinkNs: 5_000,
  },
} as const;

export type Calibration = typeof CAL;
