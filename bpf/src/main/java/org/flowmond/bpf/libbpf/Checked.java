package org.flowmond.bpf.libbpf;

import jnr.ffi.Pointer;

/**
 * Tier 2: libbpf's error convention made typed. libbpf 1.x returns {@code -errno} from int
 * functions and NULL with errno set from pointer functions; both become a {@link LibBpfException}
 * that names the call and the object.
 */
final class Checked {
    private Checked() {
    }

    /** Returns {@code ret} if it is not negative, otherwise throws for {@code -ret}. */
    static int rc(int ret, String call, String object) {
        if (ret < 0) {
            throw new LibBpfException(call, object, -ret);
        }
        return ret;
    }

    /** Returns {@code p} if it is not NULL, otherwise throws for the saved errno. */
    static Pointer ptr(Pointer p, String call, String object) {
        if (p == null || p.address() == 0) {
            int errno = Native.errno();
            throw new LibBpfException(call, object, errno == 0 ? Errno.EINVAL : errno);
        }
        return p;
    }
}
