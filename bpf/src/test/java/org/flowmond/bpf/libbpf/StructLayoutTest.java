package org.flowmond.bpf.libbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import jnr.ffi.Struct;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.Tools;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java option structs against the C compiler's view of the installed libbpf headers: every
 * field offset and the size. A C program prints {@code offsetof}/{@code sizeof}; the Java side
 * reads the jnr-ffi member offsets.
 */
@UnitTest
class StructLayoutTest {
    private static final String C_PROGRAM = """
            #include <stdio.h>
            #include <stddef.h>
            #include <bpf/libbpf.h>
            #include <bpf/bpf.h>
            #define F(s, f) printf(#s "." #f "=%zu\\n", offsetof(struct s, f))
            #define S(s) printf(#s "=%zu\\n", sizeof(struct s))
            int main(void) {
                F(bpf_tc_hook, sz); F(bpf_tc_hook, ifindex); F(bpf_tc_hook, attach_point); F(bpf_tc_hook, parent);
                S(bpf_tc_hook);
                F(bpf_tc_opts, sz); F(bpf_tc_opts, prog_fd); F(bpf_tc_opts, flags); F(bpf_tc_opts, prog_id);
                F(bpf_tc_opts, handle); F(bpf_tc_opts, priority); S(bpf_tc_opts);
                F(bpf_map_batch_opts, sz); F(bpf_map_batch_opts, elem_flags); F(bpf_map_batch_opts, flags);
                S(bpf_map_batch_opts);
                F(bpf_link_create_opts, sz); F(bpf_link_create_opts, flags); F(bpf_link_create_opts, iter_info);
                F(bpf_link_create_opts, iter_info_len); F(bpf_link_create_opts, target_btf_id);
                F(bpf_link_create_opts, perf_event); S(bpf_link_create_opts);
                F(bpf_prog_query_opts, sz); F(bpf_prog_query_opts, query_flags); F(bpf_prog_query_opts, attach_flags);
                F(bpf_prog_query_opts, prog_ids); F(bpf_prog_query_opts, prog_cnt);
                F(bpf_prog_query_opts, prog_attach_flags); S(bpf_prog_query_opts);
                F(bpf_object_open_opts, sz); F(bpf_object_open_opts, object_name);
                F(bpf_object_open_opts, relaxed_maps); F(bpf_object_open_opts, pin_root_path);
                F(bpf_object_open_opts, kconfig); F(bpf_object_open_opts, btf_custom_path);
                F(bpf_object_open_opts, kernel_log_buf); F(bpf_object_open_opts, kernel_log_size);
                F(bpf_object_open_opts, kernel_log_level); S(bpf_object_open_opts);
                return 0;
            }
            """;

    @Test
    void javaStructsMatchLibbpfHeaders(@TempDir Path dir) throws IOException {
        Privileges.requireTool("cc");
        Privileges.require(Files.exists(Path.of("/usr/include/bpf/libbpf.h")),
                "libbpf-dev headers (/usr/include/bpf/libbpf.h) are needed to compare struct layouts");
        Path src = dir.resolve("layout.c");
        Files.writeString(src, C_PROGRAM);
        Tools.run("cc", "-o", dir.resolve("layout").toString(), src.toString());
        Map<String, Long> c = parse(Tools.run(dir.resolve("layout").toString()));

        Map<String, Long> java = new LinkedHashMap<>();
        TcHookStruct hook = new TcHookStruct(Native.RUNTIME, 0, 0);
        java.put("bpf_tc_hook.sz", hook.sz.offset());
        java.put("bpf_tc_hook.ifindex", hook.ifindex.offset());
        java.put("bpf_tc_hook.attach_point", hook.attachPoint.offset());
        java.put("bpf_tc_hook.parent", hook.parent.offset());
        java.put("bpf_tc_hook", (long) Struct.size(hook));
        TcOptsStruct opts = new TcOptsStruct(Native.RUNTIME, 0, 0);
        java.put("bpf_tc_opts.sz", opts.sz.offset());
        java.put("bpf_tc_opts.prog_fd", opts.progFd.offset());
        java.put("bpf_tc_opts.flags", opts.flags.offset());
        java.put("bpf_tc_opts.prog_id", opts.progId.offset());
        java.put("bpf_tc_opts.handle", opts.handle.offset());
        java.put("bpf_tc_opts.priority", opts.priority.offset());
        java.put("bpf_tc_opts", (long) Struct.size(opts));
        MapBatchOpts batch = new MapBatchOpts(Native.RUNTIME);
        java.put("bpf_map_batch_opts.sz", batch.sz.offset());
        java.put("bpf_map_batch_opts.elem_flags", batch.elemFlags.offset());
        java.put("bpf_map_batch_opts.flags", batch.flags.offset());
        java.put("bpf_map_batch_opts", (long) Struct.size(batch));
        LinkCreateOpts link = new LinkCreateOpts(Native.RUNTIME, 0);
        java.put("bpf_link_create_opts.sz", link.sz.offset());
        java.put("bpf_link_create_opts.flags", link.flags.offset());
        java.put("bpf_link_create_opts.iter_info", link.iterInfo.offset());
        java.put("bpf_link_create_opts.iter_info_len", link.iterInfoLen.offset());
        java.put("bpf_link_create_opts.target_btf_id", link.targetBtfId.offset());
        java.put("bpf_link_create_opts.perf_event", link.attachTypeUnion[0].offset());
        java.put("bpf_link_create_opts", (long) Struct.size(link));
        ProgQueryOpts query = new ProgQueryOpts(Native.RUNTIME);
        java.put("bpf_prog_query_opts.sz", query.sz.offset());
        java.put("bpf_prog_query_opts.query_flags", query.queryFlags.offset());
        java.put("bpf_prog_query_opts.attach_flags", query.attachFlags.offset());
        java.put("bpf_prog_query_opts.prog_ids", query.progIds.offset());
        java.put("bpf_prog_query_opts.prog_cnt", query.progCnt.offset());
        java.put("bpf_prog_query_opts.prog_attach_flags", query.progAttachFlags.offset());
        java.put("bpf_prog_query_opts", (long) Struct.size(query));
        ObjectOpenOpts open = new ObjectOpenOpts(Native.RUNTIME);
        java.put("bpf_object_open_opts.sz", open.sz.offset());
        java.put("bpf_object_open_opts.object_name", open.objectName.offset());
        java.put("bpf_object_open_opts.relaxed_maps", open.relaxedMaps.offset());
        java.put("bpf_object_open_opts.pin_root_path", open.pinRootPath.offset());
        java.put("bpf_object_open_opts.kconfig", open.kconfig.offset());
        java.put("bpf_object_open_opts.btf_custom_path", open.btfCustomPath.offset());
        java.put("bpf_object_open_opts.kernel_log_buf", open.kernelLogBuf.offset());
        java.put("bpf_object_open_opts.kernel_log_size", open.kernelLogSize.offset());
        java.put("bpf_object_open_opts.kernel_log_level", open.kernelLogLevel.offset());
        java.put("bpf_object_open_opts", (long) Struct.size(open));

        assertEquals(c, java);
        // sz is what libbpf uses to know which fields the caller has: it must be the C size.
        assertEquals(c.get("bpf_tc_hook"), hook.sz.longValue());
        assertEquals(c.get("bpf_tc_opts"), opts.sz.longValue());
        assertEquals(c.get("bpf_map_batch_opts"), batch.sz.longValue());
        assertEquals(c.get("bpf_object_open_opts"), open.sz.longValue());
        assertEquals(c.get("bpf_link_create_opts"), link.sz.longValue());
        assertEquals(c.get("bpf_prog_query_opts"), query.sz.longValue());
    }

    private static Map<String, Long> parse(String output) {
        Map<String, Long> m = new LinkedHashMap<>();
        output.lines().map(l -> l.split("=")).forEach(kv -> m.put(kv[0], Long.parseLong(kv[1].trim())));
        return m;
    }
}
