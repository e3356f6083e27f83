package org.flowmond.bpf.tc;

/** How the TC flow counter attaches to an interface's ingress and egress. */
public enum TcAttachMode {
    /** TCX where the kernel has it (6.6+), else classic tc. */
    AUTO,
    /** TCX links, first in the chain; released with the process. Fails on kernels without TCX. */
    TCX,
    /** A classic cls_bpf filter in a clsact qdisc, at the configured priority. */
    TC
}
