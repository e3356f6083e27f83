package org.flowmond.bpf.libbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CO-RE against the minimal BTF gives the very instructions CO-RE against vmlinux BTF gives: each
 * shipped object that loads here is loaded both ways and every program's tag (the kernel's hash of
 * its instructions after relocation, map references left out) compared. Only the shipped objects are
 * opened with it.
 */
@RootTest
class MinCoreBtfRootTest {
    /** libbpf's debug line when it parses the running kernel's BTF (btf__load_vmlinux_btf). */
    private static final String VMLINUX_PARSE = "loading kernel BTF '/sys/kernel/btf/vmlinux'";
    @BeforeAll
    static void privileges() {
        Privileges.requireRoot();
        Privileges.requireTool("bpftool");
    }

    @AfterEach
    void noMinimalBtf() {
        MinCoreBtf.configure(Optional.empty());
    }

    @Test
    void everyProgramRelocatesAsAgainstVmlinux(@TempDir Path cache) throws Exception {
        Map<String, Map<String, String>> vmlinux = new LinkedHashMap<>();
        for (String r : MinCoreBtf.SHIPPED_OBJECTS) {
            vmlinux.put(r, tagsIfItLoads(r));
        }
        Path btf = MinCoreBtfEntry.in(cache, MinCoreBtf.SHIPPED_OBJECTS).make();
        MinCoreBtf.configure(Optional.of(cache));
        MinCoreBtf.lookUpConfigured();
        assertEquals(Optional.of(btf), MinCoreBtf.inUse());
        int compared = 0;
        for (String r : MinCoreBtf.SHIPPED_OBJECTS) {
            assertNotNull(MinCoreBtf.customPathFor(bytes(r)), r + " is opened with the minimal BTF");
            Map<String, String> minimal = tagsIfItLoads(r);
            assertEquals(vmlinux.get(r), minimal, r + ": program tags, vmlinux BTF against the minimal BTF");
            compared += minimal.size();
        }
        assertTrue(vmlinux.get("/bpf/tc_flow.bpf.o").size() >= 2 && vmlinux.get("/bpf/sock_owner.bpf.o").size() >= 10,
                "the TC and ownership objects load here: " + vmlinux);
        assertTrue(compared >= 20, compared + " programs compared");
        assertNull(MinCoreBtf.customPathFor(bytes(TestObjects.BINDING_TEST)), "an object the file was not made with");
    }

    /**
     * With the minimal BTF, libbpf 1.1 parses vmlinux BTF only for the objects with a tracing program
     * (their attach points' type ids), and the objects a default start loads without one stay so: TC,
     * the SOCKET variant (its raw tracepoint). Of a default start's objects only the socket ownership
     * (tp_btf send/receive, the start-up iterator) parses it; fentry's is parsed before its load is refused.
     */
    @Test
    void onlyObjectsWithTracingProgramsParseVmlinux(@TempDir Path cache) throws Exception {
        MinCoreBtfEntry.in(cache, MinCoreBtf.SHIPPED_OBJECTS).make();
        MinCoreBtf.configure(Optional.of(cache));
        MinCoreBtf.lookUpConfigured();
        Set<String> parsed = new TreeSet<>();
        for (String r : MinCoreBtf.SHIPPED_OBJECTS) {
            try (LibbpfDebugLog libbpf = LibbpfDebugLog.capture()) {
                tagsIfItLoads(r);
                if (libbpf.anyContains(VMLINUX_PARSE)) {
                    parsed.add(r);
                }
            }
        }
        assertEquals(Set.of("/bpf/sock_fentry.bpf.o", "/bpf/sock_iter.bpf.o", "/bpf/sock_owner.bpf.o",
                "/bpf/sock_rawtp.bpf.o"), parsed);
    }

    /** Program name → tag, after loading every program of the object; empty when this kernel refuses it (fentry here). */
    private static Map<String, String> tagsIfItLoads(String resource) throws IOException {
        Map<String, String> tags = new LinkedHashMap<>();
        try (BpfObject o = BpfObject.openResource(resource)) {
            try {
                o.load();
            } catch (LibBpfException e) {
                return tags;
            }
            for (BpfProgram p : o.programs()) {
                tags.put(p.name(), tag(p.fd()));
            }
        }
        return tags;
    }

    private static String tag(int fd) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd)).stream()
                .filter(l -> l.startsWith("prog_tag:")).map(l -> l.substring("prog_tag:".length()).strip())
                .findFirst().orElseThrow(() -> new AssertionError("no prog_tag in fdinfo of " + fd));
    }

    private static byte[] bytes(String resource) throws IOException {
        try (InputStream in = MinCoreBtfRootTest.class.getResourceAsStream(resource)) {
            return in.readAllBytes();
        }
    }
}
