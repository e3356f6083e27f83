package org.flowmond.daemon.flow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * uid → user name from a passwd file, cached. The file is re-read only when its modification
 * time changes, and looked at for that at most once per lookup of an unknown uid, so a busy
 * flow table does not read it per connection. A uid without an entry is named by its number,
 * as {@code ls -l} does.
 */
public final class UserNames {
    private static final Logger LOG = LoggerFactory.getLogger(UserNames.class);

    private final Path passwd;
    private Map<Integer, String> names = Map.of();
    private FileTime loadedAt;
    /** Counts the reads of the file: a name found at one count stays that uid's name until the next. */
    private volatile int generation;

    public UserNames(Path passwd) {
        this.passwd = passwd;
        reloadIfChanged();
    }

    public static UserNames system() {
        return new UserNames(Path.of("/etc/passwd"));
    }

    /**
     * The number of times the file was read. A uid's name from {@link #nameOf} changes only with it
     * (a uid without entry looks at the file again, so its number does not promise that).
     */
    public int generation() {
        return generation;
    }

    /** Whether {@code uid} has an entry in the file as last read. */
    public synchronized boolean knows(int uid) {
        return names.containsKey(uid);
    }

    public synchronized String nameOf(int uid) {
        String name = names.get(uid);
        if (name == null && reloadIfChanged()) {
            name = names.get(uid);
        }
        return name != null ? name : Integer.toUnsignedString(uid);
    }

    /** @return whether the file was (re)read */
    private boolean reloadIfChanged() {
        try {
            FileTime mtime = Files.getLastModifiedTime(passwd);
            if (mtime.equals(loadedAt)) {
                return false;
            }
            names = parse(Files.readAllLines(passwd, StandardCharsets.UTF_8));
            loadedAt = mtime;
            generation++;
            return true;
        } catch (IOException e) {
            if (loadedAt == null) {
                LOG.warn("cannot read {} ({}); user names will be numeric", passwd, e.toString());
                loadedAt = FileTime.fromMillis(0);
            }
            return false;
        }
    }

    /** {@code name:x:uid:gid:gecos:home:shell}; malformed lines are skipped. */
    static Map<Integer, String> parse(List<String> lines) {
        Map<Integer, String> m = new HashMap<>();
        for (String line : lines) {
            String[] f = line.split(":", -1);
            if (f.length < 3 || line.startsWith("#")) {
                continue;
            }
            try {
                m.putIfAbsent(Integer.parseUnsignedInt(f[2]), f[0]);
            } catch (NumberFormatException e) {
                // not a passwd line; ignore it like getpwuid would
            }
        }
        return m;
    }
}
