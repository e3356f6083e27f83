package org.flowmond.bpf.libbpf;

import jnr.ffi.LibraryLoader;

/** Shared bits of the binding tests: the test BPF object and the libc calls that trigger its programs. */
final class TestObjects {
    /** Built from src/test/c/binding_test.bpf.c by the Makefile (generate-test-resources). */
    static final String BINDING_TEST = "/bpf/binding_test.bpf.o";

    /** The calls the test programs watch. */
    public interface TestLibC {
        // C: pid_t getppid(void);
        int getppid();

        // C: pid_t gettid(void);
        int gettid();
    }

    static final TestLibC LIBC = LibraryLoader.create(TestLibC.class).load("c");

    private TestObjects() {
    }

    /** Opens the test object with its tracepoint program enabled for the calling thread only. */
    static BpfObject openForThisThread(long magic) {
        BpfObject obj = BpfObject.openResource(BINDING_TEST);
        obj.setGlobalU32("target_tid", LIBC.gettid());
        obj.setGlobalU64("magic", magic);
        obj.setGlobalBool("enabled", true);
        obj.setGlobalU16Array("ports", new int[] {1, 2, 3, 40000});
        return obj;
    }
}
