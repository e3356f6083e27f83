package org.flowmond.bpf.libbpf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * One BPF ELF object: open (parse, programs and maps known, nothing in the kernel yet) → adjust
 * (globals in {@code .rodata}, map sizes, autoload) → {@link #load()} (maps created, programs
 * verified) → attach programs → {@link #close()}.
 *
 * <p>Closing is idempotent and ordered: links and ring buffers made from this object are closed
 * first (newest first), then the object. Tc filters are not owned by the object: the kernel keeps
 * an attached filter (and its program) alive on its own, so {@link TcHook} is closed separately.
 * Not thread-safe for set-up; map operations may be used from several threads once loaded.
 */
public final class BpfObject implements AutoCloseable {
    private static final int MAX_LOG_IN_EXCEPTION = 8192;
    private final String name;
    private final Pointer obj;
    /** libbpf keeps pointing into the ELF bytes until load (it does not copy them): keep them alive. */
    @SuppressWarnings("unused")
    private final Pointer elf;
    private final Map<String, BpfProgram> programs = new LinkedHashMap<>();
    private final Map<String, BpfMap> maps = new LinkedHashMap<>();
    private final Deque<AutoCloseable> dependents = new ArrayDeque<>();
    private boolean loaded;
    private volatile boolean closed;

    private BpfObject(String name, Pointer obj, Pointer elf) {
        this.name = name;
        this.obj = obj;
        this.elf = elf;
        for (Pointer p = next(null, true); p != null; p = next(p, true)) {
            BpfProgram prog = new BpfProgram(this, p);
            programs.put(prog.name(), prog);
        }
        for (Pointer m = next(null, false); m != null; m = next(m, false)) {
            BpfMap map = new BpfMap(this, m);
            maps.put(map.name(), map);
        }
    }

    private Pointer next(Pointer prev, boolean program) {
        Pointer p = program ? Native.LIBBPF.bpf_object__next_program(obj, prev)
                : Native.LIBBPF.bpf_object__next_map(obj, prev);
        return p == null || p.address() == 0 ? null : p;
    }

    /**
     * Opens an object from ELF bytes; {@code name} names it in errors and prefixes its internal maps.
     * CO-RE relocates against the process's minimal BTF ({@link MinCoreBtf}) when one is in use and was
     * made with these very bytes, else against vmlinux BTF.
     */
    public static BpfObject open(String name, byte[] elf) {
        LibBpfLog.install();
        Pointer buf = Memory.allocateDirect(Native.RUNTIME, Math.max(1, elf.length));
        buf.put(0, elf, 0, elf.length);
        Pointer nameC = cString(name);
        ObjectOpenOpts opts = new ObjectOpenOpts(Native.RUNTIME);
        opts.objectName.set(nameC);
        String btf = MinCoreBtf.customPathFor(elf);
        Pointer btfC = btf == null ? null : cString(btf);
        if (btfC != null) {
            opts.btfCustomPath.set(btfC);
        }
        Pointer obj = Checked.ptr(Native.LIBBPF.bpf_object__open_mem(buf, elf.length, opts),
                "bpf_object__open_mem", name + ", " + elf.length + " bytes" + (btf == null ? "" : ", BTF " + btf));
        // opts holds only raw addresses: keep the strings from being freed before libbpf copied them
        java.lang.ref.Reference.reachabilityFence(nameC);
        java.lang.ref.Reference.reachabilityFence(btfC);
        return new BpfObject(name, obj, buf);
    }

    private static Pointer cString(String s) {
        byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Pointer p = Memory.allocateDirect(Native.RUNTIME, bytes.length + 1);
        p.put(0, bytes, 0, bytes.length);
        p.putByte(bytes.length, (byte) 0);
        return p;
    }

    /** Opens an object shipped as a class-path resource, e.g. {@code /bpf/tc_flow.bpf.o}; named after the file. */
    public static BpfObject openResource(String path) {
        byte[] bytes;
        try (InputStream in = BpfObject.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no BPF object resource " + path + " on the class path");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read BPF object resource " + path, e);
        }
        String file = path.substring(path.lastIndexOf('/') + 1);
        return open(file.replaceFirst("\\.bpf\\.o$|\\.o$", ""), bytes);
    }

    public String name() {
        return name;
    }

    public BpfProgram program(String programName) {
        BpfProgram p = programs.get(programName);
        if (p == null) {
            throw new IllegalArgumentException("BPF object " + name + " has no program '" + programName
                    + "' (it has " + programs.keySet() + ")");
        }
        return p;
    }

    public List<BpfProgram> programs() {
        return List.copyOf(programs.values());
    }

    /** The sum of {@link BpfProgram#recursionMisses()} over the programs loaded: hook hits lost to nesting. */
    public long recursionMisses() {
        long sum = 0;
        for (BpfProgram p : programs.values()) {
            sum += p.recursionMisses();
        }
        return sum;
    }

    public BpfMap map(String mapName) {
        BpfMap m = maps.get(mapName);
        if (m == null) {
            throw new IllegalArgumentException("BPF object " + name + " has no map '" + mapName
                    + "' (it has " + maps.keySet() + ")");
        }
        return m;
    }

    public List<BpfMap> maps() {
        return List.copyOf(maps.values());
    }

    // ---------------------------------------------------------------- globals (between open and load)

    /** Sets a {@code const volatile} global in {@code .rodata}; {@code value} must have the variable's exact size. */
    public void setGlobal(String varName, byte[] value) {
        requireOpenNotLoaded("set global '" + varName + "'");
        RodataGlobals.set(this, varName, value);
    }

    public void setGlobalU32(String varName, int value) {
        setGlobal(varName, LittleEndian.u32(value));
    }

    public void setGlobalU64(String varName, long value) {
        setGlobal(varName, LittleEndian.u64(value));
    }

    public void setGlobalBool(String varName, boolean value) {
        setGlobal(varName, new byte[] {(byte) (value ? 1 : 0)});
    }

    /** Sets a {@code __u16 name[N]} global; {@code values.length} must equal N. */
    public void setGlobalU16Array(String varName, int[] values) {
        setGlobal(varName, LittleEndian.u16Array(values));
    }

    public void setGlobalBytes(String varName, byte[] value) {
        setGlobal(varName, value);
    }

    // ---------------------------------------------------------------- lifecycle

    /** Creates the maps and loads (verifies) every program whose autoload is on. */
    public void load() {
        requireOpenNotLoaded("load");
        int rc;
        String warnings;
        try (LibBpfLog.Capture capture = LibBpfLog.captureWarnings()) {
            rc = Native.LIBBPF.bpf_object__load(obj);
            warnings = capture.text();
        }
        if (rc < 0) { // the verifier's complaint is at the end of its log: keep the tail
            String tail = warnings.length() > MAX_LOG_IN_EXCEPTION
                    ? "..." + warnings.substring(warnings.length() - MAX_LOG_IN_EXCEPTION) : warnings;
            throw new LibBpfException("bpf_object__load", name, -rc, tail.isEmpty() ? null : "libbpf said:\n" + tail);
        }
        loaded = true;
    }

    public boolean isLoaded() {
        return loaded;
    }

    @Override
    public void close() {
        List<AutoCloseable> toClose;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(dependents);
            dependents.clear();
        }
        Collections.reverse(toClose);
        RuntimeException first = null;
        for (AutoCloseable c : toClose) {
            try {
                c.close();
            } catch (Exception e) {
                first = first == null ? new IllegalStateException("closing " + c + " of " + name, e) : first;
            }
        }
        Native.LIBBPF.bpf_object__close(obj);
        if (first != null) {
            throw first;
        }
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "BpfObject[" + name + (closed ? ", closed" : loaded ? ", loaded" : ", opened") + "]";
    }

    // ---------------------------------------------------------------- package-private plumbing

    Pointer pointer() {
        requireOpen("use");
        return obj;
    }

    synchronized void addDependent(AutoCloseable c) {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
        dependents.addLast(c);
    }

    synchronized void removeDependent(AutoCloseable c) {
        dependents.remove(c);
    }

    void requireOpen(String what) {
        if (closed) {
            throw new IllegalStateException("cannot " + what + ": " + this + " is closed");
        }
    }

    void requireLoaded(String what) {
        requireOpen(what);
        if (!loaded) {
            throw new IllegalStateException("cannot " + what + " before load(): " + this);
        }
    }

    void requireOpenNotLoaded(String what) {
        requireOpen(what);
        if (loaded) {
            throw new IllegalStateException("cannot " + what + " after load(): " + this);
        }
    }
}
