package org.flowmond.bpf.libbpf;

/**
 * What the running kernel's BPF verifier accepts, asked the way libbpf's own feature probes ask:
 * by loading the smallest program that needs the feature (with {@code bpf_prog_load}, which logs
 * nothing) and closing it at once. Used where CO-RE cannot help: an instruction the kernel refuses
 * fails the whole object's load, even on a branch the verifier would prune.
 */
public final class KernelFeatures {
    private static final int BPF_PROG_TYPE_SOCKET_FILTER = 1;
    private static final int INSN_SIZE = 8;
    private static volatile Boolean atomics;

    private KernelFeatures() {
    }

    /**
     * Whether BPF atomics other than add are accepted (fetch-and-or and friends: Linux 5.12, commit
     * 981f94c3e921 "bpf: Add bitwise atomic instructions"). Older kernels refuse the whole program
     * with "BPF_STX uses reserved fields" (seen on Debian 11's 5.10). Probed once per process.
     */
    public static boolean atomicOr() {
        Boolean known = atomics;
        if (known == null) {
            known = loads(ATOMIC_OR_ON_STACK);
            atomics = known;
        }
        return known;
    }

    /*
     * r10[-8] = 0; r1 = 1; lock *(u64 *)(r10 - 8) |= r1; r0 = 0; exit
     * (struct bpf_insn: code, dst_reg:4 | src_reg:4 << 4, s16 off, s32 imm; little-endian)
     */
    private static final byte[] ATOMIC_OR_ON_STACK = insns(
            insn(0x7a, 10, 0, -8, 0),      // BPF_ST | BPF_MEM | BPF_DW
            insn(0xb7, 1, 0, 0, 1),        // BPF_ALU64 | BPF_MOV | BPF_K
            insn(0xdb, 10, 1, -8, 0x40),   // BPF_STX | BPF_ATOMIC | BPF_DW, imm BPF_OR
            insn(0xb7, 0, 0, 0, 0),
            insn(0x95, 0, 0, 0, 0));       // BPF_JMP | BPF_EXIT

    private static boolean loads(byte[] program) {
        int fd = Native.LIBBPF.bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "flowmond_probe", "GPL", program,
                program.length / INSN_SIZE, null);
        if (fd < 0) {
            return false;
        }
        Native.LIBC.close(fd);
        return true;
    }

    private static byte[] insn(int code, int dst, int src, int off, int imm) {
        byte[] b = new byte[INSN_SIZE];
        b[0] = (byte) code;
        b[1] = (byte) ((dst & 0xf) | (src & 0xf) << 4);
        b[2] = (byte) off;
        b[3] = (byte) (off >> 8);
        System.arraycopy(LittleEndian.u32(imm), 0, b, 4, 4);
        return b;
    }

    private static byte[] insns(byte[]... list) {
        byte[] all = new byte[list.length * INSN_SIZE];
        for (int i = 0; i < list.length; i++) {
            System.arraycopy(list[i], 0, all, i * INSN_SIZE, INSN_SIZE);
        }
        return all;
    }
}
