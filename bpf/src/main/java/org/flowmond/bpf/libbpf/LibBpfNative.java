package org.flowmond.bpf.libbpf;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.Delegate;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;

/**
 * Tier 1: the raw jnr-ffi view of Debian's libbpf 1.1 ({@code libbpf.so.1}). One method per C
 * function, C names, a {@code // C:} prototype above each. Nothing here checks errors: libbpf 1.x
 * returns {@code -errno} from int functions and NULL (with errno set) from pointer functions;
 * {@link Checked} turns both into {@link LibBpfException}. Only symbols exported by libbpf 1.1.2
 * are declared ({@code nm -D /usr/lib/x86_64-linux-gnu/libbpf.so.1}).
 */
@SuppressWarnings({"checkstyle:MethodName", "unused"})
public interface LibBpfNative {

    // ------------------------------------------------------------------ version and logging

    // C: __u32 libbpf_major_version(void);
    int libbpf_major_version();

    // C: __u32 libbpf_minor_version(void);
    int libbpf_minor_version();

    // C: int libbpf_num_possible_cpus(void);
    int libbpf_num_possible_cpus();

    // C: int libbpf_strerror(int err, char *buf, size_t size);
    int libbpf_strerror(int err, @Out byte[] buf, @size_t long size);

    /** C: typedef int (*libbpf_print_fn_t)(enum libbpf_print_level level, const char *, va_list ap); */
    interface PrintFn {
        @Delegate
        int print(int level, Pointer format, Pointer vaList);
    }

    // C: libbpf_print_fn_t libbpf_set_print(libbpf_print_fn_t fn);
    Pointer libbpf_set_print(PrintFn fn);

    // ------------------------------------------------------------------ bpf_object

    // C: struct bpf_object *bpf_object__open_mem(const void *obj_buf, size_t obj_buf_sz, const struct bpf_object_open_opts *opts);
    Pointer bpf_object__open_mem(Pointer objBuf, @size_t long size, ObjectOpenOpts opts);

    // C: int bpf_object__load(struct bpf_object *obj);
    int bpf_object__load(Pointer obj);

    // C: void bpf_object__close(struct bpf_object *obj);
    void bpf_object__close(Pointer obj);

    // C: const char *bpf_object__name(const struct bpf_object *obj);
    String bpf_object__name(Pointer obj);

    // C: struct btf *bpf_object__btf(const struct bpf_object *obj);
    Pointer bpf_object__btf(Pointer obj);

    // C: struct bpf_program *bpf_object__next_program(const struct bpf_object *obj, struct bpf_program *prog);
    Pointer bpf_object__next_program(Pointer obj, Pointer prev);

    // C: struct bpf_map *bpf_object__next_map(const struct bpf_object *obj, const struct bpf_map *map);
    Pointer bpf_object__next_map(Pointer obj, Pointer prev);

    // ------------------------------------------------------------------ bpf_program

    // C: const char *bpf_program__name(const struct bpf_program *prog);
    String bpf_program__name(Pointer prog);

    // C: const char *bpf_program__section_name(const struct bpf_program *prog);
    String bpf_program__section_name(Pointer prog);

    // C: int bpf_program__set_autoload(struct bpf_program *prog, bool autoload);
    int bpf_program__set_autoload(Pointer prog, boolean autoload);

    // C: bool bpf_program__autoload(const struct bpf_program *prog);
    boolean bpf_program__autoload(Pointer prog);

    // C: int bpf_program__fd(const struct bpf_program *prog);
    int bpf_program__fd(Pointer prog);

    // C: struct bpf_link *bpf_program__attach(const struct bpf_program *prog);
    Pointer bpf_program__attach(Pointer prog);

    // C: struct bpf_link *bpf_program__attach_tracepoint(const struct bpf_program *prog, const char *tp_category, const char *tp_name);
    Pointer bpf_program__attach_tracepoint(Pointer prog, String category, String name);

    // C: struct bpf_link *bpf_program__attach_raw_tracepoint(const struct bpf_program *prog, const char *tp_name);
    Pointer bpf_program__attach_raw_tracepoint(Pointer prog, String name);

    // C: struct bpf_link *bpf_program__attach_kprobe(const struct bpf_program *prog, bool retprobe, const char *func_name);
    Pointer bpf_program__attach_kprobe(Pointer prog, boolean retprobe, String function);

    // C: struct bpf_link *bpf_program__attach_trace(const struct bpf_program *prog);
    Pointer bpf_program__attach_trace(Pointer prog);

    // C: struct bpf_link *bpf_program__attach_cgroup(const struct bpf_program *prog, int cgroup_fd);
    Pointer bpf_program__attach_cgroup(Pointer prog, int cgroupFd);

    // C: struct bpf_link *bpf_program__attach_iter(const struct bpf_program *prog, const struct bpf_iter_attach_opts *opts);
    Pointer bpf_program__attach_iter(Pointer prog, Pointer opts);

    // ------------------------------------------------------------------ bpf_link

    // C: int bpf_link__fd(const struct bpf_link *link);
    int bpf_link__fd(Pointer link);

    // C: int bpf_link__destroy(struct bpf_link *link);
    int bpf_link__destroy(Pointer link);

    // C: int bpf_iter_create(int link_fd);
    int bpf_iter_create(int linkFd);

    // ------------------------------------------------------------------ bpf_map (object view)

    // C: const char *bpf_map__name(const struct bpf_map *map);
    String bpf_map__name(Pointer map);

    // C: int bpf_map__fd(const struct bpf_map *map);
    int bpf_map__fd(Pointer map);

    // C: enum bpf_map_type bpf_map__type(const struct bpf_map *map);
    int bpf_map__type(Pointer map);

    // C: __u32 bpf_map__key_size(const struct bpf_map *map);
    int bpf_map__key_size(Pointer map);

    // C: __u32 bpf_map__value_size(const struct bpf_map *map);
    int bpf_map__value_size(Pointer map);

    // C: __u32 bpf_map__max_entries(const struct bpf_map *map);
    int bpf_map__max_entries(Pointer map);

    // C: int bpf_map__reuse_fd(struct bpf_map *map, int fd);
    int bpf_map__reuse_fd(Pointer map, int fd);

    // C: int bpf_map__set_max_entries(struct bpf_map *map, __u32 max_entries);
    int bpf_map__set_max_entries(Pointer map, int maxEntries);

    // C: bool bpf_map__is_internal(const struct bpf_map *map);
    boolean bpf_map__is_internal(Pointer map);

    // C: void *bpf_map__initial_value(struct bpf_map *map, size_t *psize);
    Pointer bpf_map__initial_value(Pointer map, Pointer psize);

    // C: int bpf_map__pin(struct bpf_map *map, const char *path);
    int bpf_map__pin(Pointer map, String path);

    // C: int bpf_map__unpin(struct bpf_map *map, const char *path);
    int bpf_map__unpin(Pointer map, String path);

    // ------------------------------------------------------------------ bpf_map (fd, syscall wrappers)

    // C: int bpf_map_lookup_elem(int fd, const void *key, void *value);
    int bpf_map_lookup_elem(int fd, @In byte[] key, @Out byte[] value);

    // C: int bpf_map_lookup_and_delete_elem(int fd, const void *key, void *value);
    int bpf_map_lookup_and_delete_elem(int fd, @In byte[] key, @Out byte[] value);

    // C: int bpf_map_update_elem(int fd, const void *key, const void *value, __u64 flags);
    int bpf_map_update_elem(int fd, @In byte[] key, @In byte[] value, long flags);

    // C: int bpf_map_delete_elem(int fd, const void *key);
    int bpf_map_delete_elem(int fd, @In byte[] key);

    // C: int bpf_map_get_next_key(int fd, const void *key, void *next_key);
    int bpf_map_get_next_key(int fd, @In byte[] key, @Out byte[] nextKey);

    // C: int bpf_map_lookup_batch(int fd, void *in_batch, void *out_batch, void *keys, void *values, __u32 *count, const struct bpf_map_batch_opts *opts);
    int bpf_map_lookup_batch(int fd, Pointer inBatch, Pointer outBatch, Pointer keys, Pointer values,
            Pointer count, MapBatchOpts opts);

    // C: int bpf_map_lookup_and_delete_batch(int fd, void *in_batch, void *out_batch, void *keys, void *values, __u32 *count, const struct bpf_map_batch_opts *opts);
    int bpf_map_lookup_and_delete_batch(int fd, Pointer inBatch, Pointer outBatch, Pointer keys, Pointer values,
            Pointer count, MapBatchOpts opts);

    // ------------------------------------------------------------------ bpf_prog (fd, syscall wrapper: feature probes)

    // C: int bpf_prog_load(enum bpf_prog_type prog_type, const char *prog_name, const char *license,
    //                      const struct bpf_insn *insns, size_t insn_cnt, const struct bpf_prog_load_opts *opts);
    int bpf_prog_load(int progType, String progName, String license, @In byte[] insns, @size_t long insnCnt,
                      Pointer opts);

    // C: enum bpf_prog_type bpf_program__type(const struct bpf_program *prog);
    int bpf_program__type(Pointer prog);

    // C: int bpf_obj_get_info_by_fd(int bpf_fd, void *info, __u32 *info_len);
    int bpf_obj_get_info_by_fd(int fd, @In @Out byte[] info, @In @Out int[] infoLen);

    // ------------------------------------------------------------------ BTF (.rodata variables, the kernel's types)

    // C: struct btf *btf__load_vmlinux_btf(void);
    Pointer btf__load_vmlinux_btf();

    // C: void btf__free(struct btf *btf);
    void btf__free(Pointer btf);

    // C: struct btf *btf__parse(const char *path, struct btf_ext **btf_ext);
    Pointer btf__parse(String path, Pointer btfExt);

    // C: __u32 btf__type_cnt(const struct btf *btf);
    int btf__type_cnt(Pointer btf);

    // C: __s32 btf__find_by_name_kind(const struct btf *btf, const char *type_name, __u32 kind);
    int btf__find_by_name_kind(Pointer btf, String name, int kind);

    // C: const struct btf_type *btf__type_by_id(const struct btf *btf, __u32 id);
    Pointer btf__type_by_id(Pointer btf, int id);

    // C: const char *btf__name_by_offset(const struct btf *btf, __u32 offset);
    String btf__name_by_offset(Pointer btf, int offset);

    // ------------------------------------------------------------------ tc

    // C: int bpf_tc_hook_create(struct bpf_tc_hook *hook);
    int bpf_tc_hook_create(TcHookStruct hook);

    // C: int bpf_tc_hook_destroy(struct bpf_tc_hook *hook);
    int bpf_tc_hook_destroy(TcHookStruct hook);

    // C: int bpf_tc_attach(const struct bpf_tc_hook *hook, struct bpf_tc_opts *opts);
    int bpf_tc_attach(TcHookStruct hook, TcOptsStruct opts);

    // C: int bpf_tc_detach(const struct bpf_tc_hook *hook, const struct bpf_tc_opts *opts);
    int bpf_tc_detach(TcHookStruct hook, TcOptsStruct opts);

    // C: int bpf_tc_query(const struct bpf_tc_hook *hook, struct bpf_tc_opts *opts);
    int bpf_tc_query(TcHookStruct hook, TcOptsStruct opts);

    // ------------------------------------------------------------------ links and queries by fd (TCX)

    // C: int bpf_link_create(int prog_fd, int target_fd, enum bpf_attach_type attach_type, const struct bpf_link_create_opts *opts);
    int bpf_link_create(int progFd, int targetFd, int attachType, LinkCreateOpts opts);

    // C: int bpf_prog_query_opts(int target_fd, enum bpf_attach_type type, struct bpf_prog_query_opts *opts);
    int bpf_prog_query_opts(int targetFd, int attachType, ProgQueryOpts opts);

    // ------------------------------------------------------------------ ring buffer

    /** C: typedef int (*ring_buffer_sample_fn)(void *ctx, void *data, size_t size); */
    interface RingBufferSampleFn {
        @Delegate
        int onSample(Pointer ctx, Pointer data, @size_t long size);
    }

    // C: struct ring_buffer *ring_buffer__new(int map_fd, ring_buffer_sample_fn sample_cb, void *ctx, const struct ring_buffer_opts *opts);
    Pointer ring_buffer__new(int mapFd, RingBufferSampleFn callback, Pointer ctx, Pointer opts);

    // C: int ring_buffer__add(struct ring_buffer *rb, int map_fd, ring_buffer_sample_fn sample_cb, void *ctx);
    int ring_buffer__add(Pointer rb, int mapFd, RingBufferSampleFn callback, Pointer ctx);

    // C: int ring_buffer__poll(struct ring_buffer *rb, int timeout_ms);
    int ring_buffer__poll(Pointer rb, int timeoutMs);

    // C: int ring_buffer__consume(struct ring_buffer *rb);
    int ring_buffer__consume(Pointer rb);

    // C: int ring_buffer__epoll_fd(const struct ring_buffer *rb);
    int ring_buffer__epoll_fd(Pointer rb);

    // C: void ring_buffer__free(struct ring_buffer *rb);
    void ring_buffer__free(Pointer rb);
}
