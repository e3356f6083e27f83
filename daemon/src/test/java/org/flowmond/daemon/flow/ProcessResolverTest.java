package org.flowmond.daemon.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.flowmond.bpf.api.SocketEventKind;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@UnitTest
class ProcessResolverTest {

    @Test
    void parsesPasswdAndSkipsMalformedLines() {
        Map<Integer, String> m = UserNames.parse(List.of("root:x:0:0:root:/root:/bin/bash", "# comment", "bad",
                "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin", "weird:x:notanumber:0::/:/bin/sh"));
        assertEquals(Map.of(0, "root", 65534, "nobody"), m);
    }

    @Test
    void rereadsPasswdWhenAnUnknownUidAppears(@TempDir Path dir) throws IOException {
        Path passwd = dir.resolve("passwd");
        Files.writeString(passwd, "root:x:0:0::/root:/bin/sh\n");
        UserNames users = new UserNames(passwd);
        assertEquals("1001", users.nameOf(1001));
        Files.writeString(passwd, "root:x:0:0::/root:/bin/sh\nbob:x:1001:1001::/home/bob:/bin/sh\n");
        Files.setLastModifiedTime(passwd, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        assertEquals("bob", users.nameOf(1001));
    }

    @Test
    void theSameProcessAgainIsTheSameInfoUntilThePasswdFileIsReadAgain(@TempDir Path proc) throws IOException {
        Files.createDirectories(proc.resolve("91"));
        Files.writeString(proc.resolve("91/cgroup"), "0::/a.slice\n");
        Path passwd = proc.resolve("passwd");
        Files.writeString(passwd, "alice:x:1000:1000::/:/bin/sh\n");
        UserNames users = new UserNames(passwd);
        ProcessResolver r = new ProcessResolver(users, proc);
        ProcessInfo first = r.resolve(FlowFixture.event(SocketEventKind.CONNECT, 0, 91, "app", 1000, "10.0.0.1", 1,
                "10.0.0.2", 2));
        assertSame(first, r.resolve(FlowFixture.event(SocketEventKind.ACCEPT, 1, 91, "app", 1000, "10.0.0.1", 2,
                "10.0.0.2", 3)));
        assertEquals("alice", first.userName());
        // an unknown uid (here looked up by another user of the names) reads the renamed file: the
        // next event of the same process names its user anew
        Files.writeString(passwd, "alicia:x:1000:1000::/:/bin/sh\n");
        Files.setLastModifiedTime(passwd, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        assertEquals("4000", users.nameOf(4000));
        assertEquals("alicia", r.resolve(FlowFixture.event(SocketEventKind.CONNECT, 3, 91, "app", 1000, "10.0.0.1", 1,
                "10.0.0.2", 2)).userName());
    }

    @Test
    void readsTheCgroupPathAndContainerId(@TempDir Path proc) throws IOException {
        String id = "4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b";
        Files.createDirectories(proc.resolve("77"));
        Files.writeString(proc.resolve("77/cgroup"), "0::/system.slice/docker-" + id + ".scope\n");
        Path passwd = proc.resolve("passwd");
        Files.writeString(passwd, "");
        ProcessResolver r = new ProcessResolver(new UserNames(passwd), proc);
        ProcessInfo p = r.resolve(FlowFixture.event(SocketEventKind.CONNECT, 0, 77, "app", 0, "10.0.0.1", 1, "10.0.0.2", 2));
        assertEquals("/system.slice/docker-" + id + ".scope", p.cgroupPath());
        assertEquals(id, p.containerId());
        ProcessInfo gone = r.resolve(FlowFixture.event(SocketEventKind.CONNECT, 0, 78, "gone", 0, "10.0.0.1", 1, "10.0.0.2", 2));
        assertEquals("", gone.cgroupPath());
        assertEquals("", gone.containerId());
        assertEquals("", org.flowmond.daemon.container.CgroupLayouts.identify("/user.slice/user-1000.slice/session-2.scope").id());
    }

    @Test
    void cgroupPathIsReadOncePerProcessAndCgroupId(@TempDir Path proc) throws IOException {
        Files.createDirectories(proc.resolve("90"));
        Files.writeString(proc.resolve("90/cgroup"), "0::/a.slice\n");
        Path passwd = proc.resolve("passwd");
        Files.writeString(passwd, "");
        ProcessResolver r = new ProcessResolver(new UserNames(passwd), proc);
        org.flowmond.bpf.api.SocketEvent e = FlowFixture.event(SocketEventKind.CONNECT, 0, 90, "app", 0, "10.0.0.1", 1,
                "10.0.0.2", 2); // cgroup id 4242
        assertEquals("/a.slice", r.resolve(e).cgroupPath());
        Files.writeString(proc.resolve("90/cgroup"), "0::/b.slice\n");
        assertEquals("/a.slice", r.resolve(e).cgroupPath(), "same pid and cgroup id: from the cache");
        org.flowmond.bpf.api.SocketEvent moved = new org.flowmond.bpf.api.SocketEvent(e.kind(), 0, 90, 90, 0, 0, 1,
                "app", "init", 4243L, 1L, 4, e.localAddress(), 1, e.remoteAddress(), 2);
        assertEquals("/b.slice", r.resolve(moved).cgroupPath(), "another cgroup id: read again");
    }
    @Test
    void theSameProcessIsResolvedOnceAndAReusedPidAgain(@TempDir Path proc) throws IOException {
        Files.createDirectories(proc.resolve("91"));
        Files.writeString(proc.resolve("91/cgroup"), "0::/a.slice\n");
        Path passwd = proc.resolve("passwd");
        Files.writeString(passwd, "root:x:0:0::/root:/bin/sh\n");
        ProcessResolver r = new ProcessResolver(new UserNames(passwd), proc);
        org.flowmond.bpf.api.SocketEvent e = FlowFixture.event(SocketEventKind.CONNECT, 0, 91, "app", 0, "10.0.0.1", 1,
                "10.0.0.2", 2);
        ProcessInfo first = r.resolve(e);
        assertSame(first, r.resolve(FlowFixture.event(SocketEventKind.ACCEPT, 0, 91, "app", 0, "10.0.0.1", 3,
                "10.0.0.2", 4)), "same process: the same ProcessInfo, nothing read or allocated");
        org.flowmond.bpf.api.SocketEvent reused = new org.flowmond.bpf.api.SocketEvent(e.kind(), 0, 91, 91, 0, 0,
                e.ppid(), "other", e.parentComm(), e.cgroupId(), 1L, 4, e.localAddress(), 1, e.remoteAddress(), 2);
        ProcessInfo second = r.resolve(reused);
        assertEquals(new ProcessInfo(91, "other", 0, "root", first.parentPid(), first.parentName(), first.cgroupId(),
                "/a.slice", org.flowmond.daemon.container.CgroupLayouts.identify("/a.slice"), reused.netnsInode()),
                second, "pid reused by another command: resolved again, with its socket's namespace");
    }
}
