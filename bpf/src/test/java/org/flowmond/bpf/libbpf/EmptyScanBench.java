package org.flowmond.bpf.libbpf;

/**
 * What an idle daemon's scan costs: one {@code forEachChunk} of an empty hash map of 65,536 entries
 * (the TC flow map's default size), CPU time and bytes allocated per scan, five rounds (as root):
 * {@code java -cp bpf/target/classes:bpf/target/test-classes:DAEMON.jar org.flowmond.bpf.libbpf.EmptyScanBench 2000}.
 */
public final class EmptyScanBench {
    private EmptyScanBench() {
    }

    public static void main(String[] a) throws Exception {
        BpfObject obj = BpfObject.openResource("/bpf/binding_test.bpf.o");
        obj.program("iter_tasks").setAutoload(false);
        obj.map("kv").setMaxEntries(65536);
        obj.load();
        BpfMap kv = obj.map("kv");
        int n = Integer.parseInt(a[0]);
        for (int round = 0; round < 5; round++) {
            com.sun.management.ThreadMXBean mx = 
                    (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long cpu0 = mx.getCurrentThreadCpuTime();
            long b0 = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                kv.forEachChunk(c -> { throw new AssertionError(); });
            }
            long t1 = System.nanoTime();
            System.out.printf("round %d: %.1f us wall, %.1f us CPU, %d bytes allocated per empty scan%n", round,
                    (t1 - t0) / 1e3 / n, (mx.getCurrentThreadCpuTime() - cpu0) / 1e3 / n,
                    (mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - b0) / n);
        }
        obj.close();
    }
}
