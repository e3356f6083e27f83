package org.flowmond.bpf.libbpf;

import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Writes {@code const volatile} globals of an opened (not yet loaded) object. The variable is
 * found by name in the {@code .rodata} DATASEC of the object's BTF, which gives its offset and
 * size; the bytes go into the {@code .rodata} map's initial value, which libbpf copies into the
 * kernel map (and then freezes) at load.
 */
final class RodataGlobals {
    private static final String SECTION = ".rodata";
    /** BTF_KIND_DATASEC in {@code linux/btf.h}. */
    private static final int BTF_KIND_DATASEC = 15;
    /** struct btf_type: name_off, info, size: 12 bytes; then vlen × struct btf_var_secinfo {type, offset, size}. */
    private static final int BTF_TYPE_SIZE = 12;
    private static final int SECINFO_SIZE = 12;

    private RodataGlobals() {
    }

    /** Where a variable lives inside the section. */
    record Variable(String name, int offset, int size) {
    }

    static void set(BpfObject object, String varName, byte[] value) {
        List<Variable> vars = variables(object);
        Variable var = vars.stream().filter(v -> v.name().equals(varName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("BPF object " + object.name() + " has no global '"
                        + varName + "' in " + SECTION + " (it has " + vars.stream().map(Variable::name).toList()
                        + "; only const volatile globals can be set)"));
        if (var.size() != value.length) {
            throw new IllegalArgumentException("global '" + varName + "' of BPF object " + object.name() + " has "
                    + var.size() + " bytes, not " + value.length);
        }
        Pointer data = initialValue(object, var);
        data.put(var.offset(), value, 0, value.length);
    }

    /** All variables of the {@code .rodata} DATASEC; empty if the object has none. */
    static List<Variable> variables(BpfObject object) {
        Pointer btf = Native.LIBBPF.bpf_object__btf(object.pointer());
        List<Variable> vars = new ArrayList<>();
        if (btf == null || btf.address() == 0) {
            return vars;
        }
        int id = Native.LIBBPF.btf__find_by_name_kind(btf, SECTION, BTF_KIND_DATASEC);
        if (id <= 0) {
            return vars;
        }
        Pointer type = Native.LIBBPF.btf__type_by_id(btf, id);
        int vlen = type.getInt(4) & 0xffff;
        for (int i = 0; i < vlen; i++) {
            int at = BTF_TYPE_SIZE + i * SECINFO_SIZE;
            Pointer varType = Native.LIBBPF.btf__type_by_id(btf, type.getInt(at));
            String name = Native.LIBBPF.btf__name_by_offset(btf, varType.getInt(0));
            vars.add(new Variable(name, type.getInt(at + 4), type.getInt(at + 8)));
        }
        return vars;
    }

    private static Pointer initialValue(BpfObject object, Variable var) {
        BpfMap rodata = object.maps().stream().filter(m -> m.isInternal() && m.name().endsWith(SECTION))
                .findFirst().orElseThrow(() -> new IllegalStateException("BPF object " + object.name()
                        + " has a " + SECTION + " section but no internal map for it"));
        Pointer size = Memory.allocateDirect(Native.RUNTIME, 8);
        Pointer data = Checked.ptr(Native.LIBBPF.bpf_map__initial_value(rodata.pointer(), size),
                "bpf_map__initial_value", rodata.name());
        long mapSize = size.getLong(0);
        if (var.offset() + var.size() > mapSize) {
            throw new IllegalStateException("global '" + var.name() + "' at " + var.offset() + "+" + var.size()
                    + " lies outside " + rodata.name() + " (" + mapSize + " bytes)");
        }
        return data;
    }
}
