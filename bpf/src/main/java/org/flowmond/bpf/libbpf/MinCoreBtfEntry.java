package org.flowmond.bpf.libbpf;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One entry of the minimal-BTF cache: the minimal BTF of the running kernel for a set of BPF objects
 * ({@code bpftool gen min_core_btf}: only the vmlinux types their CO-RE relocations need, a few
 * kilobytes) and its manifest, in a cache directory: {@code vmlinux-<release>-<key>.btf} and
 * {@code .properties} (the file's SHA-256, and the answers to {@link KernelBtf#STARTUP_TYPES}, so that
 * start-up needs no parse of vmlinux for those either). The key hashes what decides the file's
 * content: the kernel (release, version string, GNU build id in {@code /sys/kernel/notes}, size of
 * vmlinux BTF; when the notes cannot be read, vmlinux BTF's time instead, which changes at every boot)
 * and each object (size and CRC-32, from the jar's directory). {@link MinCoreBtf} holds which entry
 * this process uses.
 */
public final class MinCoreBtfEntry {
    static final String VMLINUX = "/sys/kernel/btf/vmlinux";
    private static final String SHA256 = "btf.sha256";
    private static final String TYPE_PREFIX = "type.";
    private static final Duration BPFTOOL_TIMEOUT = Duration.ofSeconds(60);
    /** A maker that died leaves its work directory; another maker's is younger than this. */
    private static final Duration STALE_WORK = Duration.ofMinutes(10);

    /** The logger (the cache's lines keep {@link MinCoreBtf}'s name), made at the first message. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(MinCoreBtf.class);
    }

    /** An object's identity: its size and CRC-32. */
    record ObjectId(long size, long crc) {
    }

    private final Path dir;
    private final Map<String, ObjectId> objects;
    private final Path file;
    private final Path manifest;

    private MinCoreBtfEntry(Path dir, Map<String, ObjectId> objects, String name) {
        this.dir = dir;
        this.objects = objects;
        this.file = dir.resolve(name + ".btf");
        this.manifest = dir.resolve(name + ".properties");
    }

    /**
     * The cache entry in {@code dir} for this kernel and {@code resources} (class-path BPF objects);
     * nothing is read or written in {@code dir} yet.
     *
     * @throws IOException no vmlinux BTF here, or a resource is missing
     */
    public static MinCoreBtfEntry in(Path dir, List<String> resources) throws IOException {
        Map<String, ObjectId> ids = new LinkedHashMap<>();
        for (String r : resources) {
            ids.put(r, idOf(r));
        }
        String release = read("/proc/sys/kernel/osrelease").strip();
        StringBuilder key = new StringBuilder(kernelIdentity(release));
        ids.forEach((r, id) -> key.append(r).append(' ').append(id.size()).append(' ').append(id.crc()).append('\n'));
        String hash = sha256(key.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 16);
        return new MinCoreBtfEntry(dir, ids, "vmlinux-" + release.replaceAll("[^A-Za-z0-9._+-]", "_") + "-" + hash);
    }

    /** What identifies the running kernel's BTF, one line each. */
    private static String kernelIdentity(String release) throws IOException {
        Path vmlinux = Path.of(VMLINUX);
        StringBuilder id = new StringBuilder();
        id.append("release ").append(release).append('\n');
        id.append("version ").append(read("/proc/sys/kernel/version").strip()).append('\n');
        id.append("vmlinux-size ").append(Files.size(vmlinux)).append('\n');
        try {
            id.append("notes ").append(sha256(Files.readAllBytes(Path.of("/sys/kernel/notes")))).append('\n');
        } catch (IOException e) { // no build id: the BTF's time, new at every boot (the cache is made again)
            id.append("vmlinux-time ").append(Files.getLastModifiedTime(vmlinux).toMillis()).append('\n');
        }
        return id.toString();
    }

    /** The minimal BTF's path (whether it exists or not). */
    public Path file() {
        return file;
    }

    Path manifest() {
        return manifest;
    }

    /**
     * The minimal BTF when it is there and whole (its SHA-256 is the manifest's, libbpf parses it), the
     * manifest's answers about kernel types taken; empty when missing, or when corrupt (then removed,
     * one warning).
     */
    public Optional<Path> lookUp() {
        Properties m = new Properties();
        try (InputStream in = Files.newInputStream(manifest)) {
            m.load(in);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return corrupt("its manifest cannot be read: " + e);
        }
        try {
            String problem = problemOf(Files.readAllBytes(file), m.getProperty(SHA256, ""));
            if (problem != null) {
                return corrupt(problem);
            }
            KernelBtf.rememberAnswers(answers(m));
            return Optional.of(file);
        } catch (IOException | RuntimeException e) {
            return corrupt(e.toString());
        }
    }

    /** Why {@code btf} is not a usable minimal BTF with that SHA-256, null when it is. */
    private String problemOf(byte[] btf, String sha256) {
        if (!sha256(btf).equals(sha256)) {
            return "its SHA-256 is not the manifest's";
        }
        return parseProblem(file);
    }

    /** Why libbpf cannot parse {@code btf} as BTF with at least one type, null when it can. */
    private static String parseProblem(Path btf) {
        Pointer parsed = Native.LIBBPF.btf__parse(btf.toString(), null);
        if (parsed == null || parsed.address() == 0) {
            return "libbpf cannot parse it (" + Errno.name(Native.errno()) + ")";
        }
        try {
            return Native.LIBBPF.btf__type_cnt(parsed) > 1 ? null : "it holds no type";
        } finally {
            Native.LIBBPF.btf__free(parsed);
        }
    }

    private Optional<Path> corrupt(String why) {
        MinCoreBtf.say(() -> Log.LOG.warn("BTF: the minimal BTF {} is unusable ({}): removed; the BPF objects load against vmlinux BTF"
                + " (slower start-up, nothing else changes) and it is made again after start-up", file, why));
        deleteQuietly(file);
        deleteQuietly(manifest);
        return Optional.empty();
    }

    private static Map<KernelBtf.Type, Integer> answers(Properties m) {
        Map<KernelBtf.Type, Integer> answers = new LinkedHashMap<>();
        for (String k : m.stringPropertyNames()) {
            if (k.startsWith(TYPE_PREFIX)) { // type.<kind>.<name>
                String[] kindAndName = k.substring(TYPE_PREFIX.length()).split("\\.", 2);
                answers.put(new KernelBtf.Type(kindAndName[1], Integer.parseInt(kindAndName[0])),
                        Integer.parseInt(m.getProperty(k)));
            }
        }
        return answers;
    }

    /**
     * Makes the minimal BTF with bpftool from vmlinux BTF and the objects, with its manifest (the answers
     * to {@link KernelBtf#STARTUP_TYPES} looked up in vmlinux), each written whole and renamed into
     * place; removes the entries of other kernels and objects.
     *
     * @throws IOException no bpftool, bpftool failed, or the directory is not writable
     */
    public Path make() throws IOException, InterruptedException {
        Path bpftool = findBpftool().orElseThrow(() -> new IOException("no bpftool on PATH or in /usr/sbin"));
        Files.createDirectories(dir);
        removeStaleWork();
        Path work = Files.createTempDirectory(dir, ".make-");
        try {
            Path out = work.resolve("min.btf");
            runBpftool(bpftool, out, writeObjects(work));
            String problem = parseProblem(out);
            if (problem != null) {
                throw new IOException("bpftool made " + out + ", but " + problem);
            }
            Path manifestTmp = work.resolve("manifest");
            writeManifest(manifestTmp, sha256(Files.readAllBytes(out)));
            Files.move(out, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.move(manifestTmp, manifest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            removeOtherEntries();
            return file;
        } finally {
            deleteTree(work);
        }
    }

    private List<Path> writeObjects(Path work) throws IOException {
        List<Path> written = new ArrayList<>();
        for (String r : objects.keySet()) {
            Path p = work.resolve(r.substring(r.lastIndexOf('/') + 1));
            try (InputStream in = resource(r); OutputStream out = Files.newOutputStream(p)) {
                in.transferTo(out);
            }
            written.add(p);
        }
        return written;
    }

    private static void runBpftool(Path bpftool, Path out, List<Path> objectFiles)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(bpftool.toString(), "gen", "min_core_btf", VMLINUX, out.toString()));
        objectFiles.forEach(p -> cmd.add(p.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(BPFTOOL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("bpftool gen min_core_btf took longer than " + BPFTOOL_TIMEOUT);
        }
        if (p.exitValue() != 0) {
            throw new IOException("bpftool gen min_core_btf exited " + p.exitValue() + ": "
                    + new String(output, StandardCharsets.UTF_8).strip());
        }
    }

    private void writeManifest(Path to, String btfSha256) throws IOException {
        Properties m = new Properties();
        m.setProperty(SHA256, btfSha256);
        KernelBtf.answers(KernelBtf.STARTUP_TYPES).forEach((t, id) ->
                m.setProperty(TYPE_PREFIX + t.kind() + "." + t.name(), Integer.toString(id)));
        try (OutputStream out = Files.newOutputStream(to)) {
            m.store(out, "minimal BTF " + file.getFileName() + " for " + objects.keySet()
                    + " (bpftool gen min_core_btf); answers of vmlinux BTF: type.<BTF_KIND>.<name>=<type id, 0: none>");
        }
    }

    /** Entries of other kernels or objects: this directory keeps the current one only. */
    private void removeOtherEntries() throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "vmlinux-*.{btf,properties}")) {
            for (Path p : ds) {
                if (!p.equals(file) && !p.equals(manifest)) {
                    deleteQuietly(p);
                }
            }
        }
    }

    private void removeStaleWork() throws IOException {
        FileTime before = FileTime.from(Instant.now().minus(STALE_WORK));
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".make-*")) {
            for (Path p : ds) {
                if (Files.getLastModifiedTime(p).compareTo(before) < 0) {
                    deleteTree(p);
                }
            }
        }
    }

    /** bpftool on PATH, or in the sbin directories a non-login PATH may lack. */
    static Optional<Path> findBpftool() {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/local/sbin", "/usr/sbin", "/sbin"));
        return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, "bpftool"))
                .filter(Files::isExecutable).findFirst();
    }

    /** A key of the running kernel as entries are keyed, hashed to 16 hex digits (see {@link MinCoreBtf#kernelKey}). */
    static String kernelKey() throws IOException {
        String release = read("/proc/sys/kernel/osrelease").strip();
        return sha256(kernelIdentity(release).getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    /** The objects this entry is made from. */
    Set<ObjectId> objectIds() {
        return Set.copyOf(objects.values());
    }

    /** Size and CRC-32 of a class-path object, from the jar's directory when it is in a jar. */
    static ObjectId idOf(String resource) throws IOException {
        URL url = MinCoreBtfEntry.class.getResource(resource);
        if (url == null) {
            throw new NoSuchFileException(resource, null, "no such resource on the class path");
        }
        URLConnection c = url.openConnection();
        if (c instanceof JarURLConnection jar) {
            JarEntry e = jar.getJarEntry();
            if (e.getSize() >= 0 && e.getCrc() >= 0) {
                return new ObjectId(e.getSize(), e.getCrc());
            }
        }
        try (InputStream in = c.getInputStream()) {
            return idOf(in.readAllBytes());
        }
    }

    static ObjectId idOf(byte[] elf) {
        CRC32 crc = new CRC32();
        crc.update(elf);
        return new ObjectId(elf.length, crc.getValue());
    }

    private static InputStream resource(String r) throws IOException {
        InputStream in = MinCoreBtfEntry.class.getResourceAsStream(r);
        if (in == null) {
            throw new NoSuchFileException(r, null, "no such resource on the class path");
        }
        return in;
    }

    static String read(String path) throws IOException {
        return Files.readString(Path.of(path));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) { // a leftover is looked at (and replaced) at the next start
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(MinCoreBtfEntry::deleteQuietly);
        } catch (IOException | UncheckedIOException ignored) { // removed at the next make (STALE_WORK)
        }
    }
}
