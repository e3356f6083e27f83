package org.flowmond.ipfix;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import org.flowmond.ipfix.encode.MessagePacker;
import org.flowmond.ipfix.ie.InformationElement;
import org.flowmond.ipfix.ie.InformationElements;
import org.flowmond.ipfix.ie.ReverseElements;
import org.flowmond.ipfix.message.IpfixMessage;
import org.flowmond.ipfix.message.RecordLayout;
import org.flowmond.ipfix.template.StatisticsRecord;
import org.flowmond.ipfix.template.Template;
import org.flowmond.ipfix.template.TypeRecords;

/** The templates of one exporter (one biflow mode, one enterprise number), bound to their records. */
final class ExportTemplates {
    /**
     * The observation domain of the exporter's own options (statistics, type records): RFC 7011
     * section 3.1 says 0 "when exporting the Exporting Process Statistics". It also keeps the
     * flows' domain free of options records, which nfcapd leaves out of its sequence check.
     */
    static final long OPTIONS_DOMAIN = 0;

    final BiflowMode mode;
    final InformationElements model;
    final Template<FlowRecord> flowIpv4;
    final Template<FlowRecord> flowIpv6;
    final Template<SyscallFlowRecord> syscallIpv4;
    final Template<SyscallFlowRecord> syscallIpv6;
    /** TCP records with {@link TcpHealth}; the lean templates above keep everything else as it was. */
    final Template<FlowRecord> tcpFlowIpv4;
    final Template<FlowRecord> tcpFlowIpv6;
    /** Syscall flows with {@link ConnectHealth}. */
    final Template<SyscallFlowRecord> connectSyscallIpv4;
    final Template<SyscallFlowRecord> connectSyscallIpv6;
    final Template<StatisticsRecord> statistics;
    final Template<InformationElement> typeRecords;
    final Template<DaemonHealth> daemonHealth;

    ExportTemplates(BiflowMode mode, long enterpriseNumber) {
        this(mode, enterpriseNumber, ProcessHandle.current().pid());
    }

    /** {@code exportingProcessId}: the scope of the daemon health records (this process's id). */
    ExportTemplates(BiflowMode mode, long enterpriseNumber, long exportingProcessId) {
        this.mode = mode;
        this.model = InformationElements.withFlowmondEnterprise(enterpriseNumber);
        FlowRecordBinding flows = new FlowRecordBinding(mode);
        SyscallFlowBinding syscalls = new SyscallFlowBinding();
        this.flowIpv4 = FlowTemplates.flow(4, mode).bind(model, flows);
        this.flowIpv6 = FlowTemplates.flow(6, mode).bind(model, flows);
        this.syscallIpv4 = FlowTemplates.syscallFlow(4).bind(model, syscalls);
        this.syscallIpv6 = FlowTemplates.syscallFlow(6).bind(model, syscalls);
        this.tcpFlowIpv4 = FlowTemplates.tcpFlow(4, mode).bind(model, flows);
        this.tcpFlowIpv6 = FlowTemplates.tcpFlow(6, mode).bind(model, flows);
        this.connectSyscallIpv4 = FlowTemplates.connectSyscallFlow(4).bind(model, syscalls);
        this.connectSyscallIpv6 = FlowTemplates.connectSyscallFlow(6).bind(model, syscalls);
        this.statistics = StatisticsRecord.template(model);
        this.typeRecords = TypeRecords.template(model);
        this.daemonHealth = DaemonHealthBinding.SPEC.bind(model, new DaemonHealthBinding(exportingProcessId));
    }

    /** TCP with health: the TCP template; everything else: the lean one, as before TCP health. */
    RecordLayout<FlowRecord> flowLayout(FlowRecord r) {
        if (r.tcpHealth != null) {
            return r.ipVersion() == 4 ? tcpFlowIpv4 : tcpFlowIpv6;
        }
        return r.ipVersion() == 4 ? flowIpv4 : flowIpv6;
    }

    RecordLayout<SyscallFlowRecord> syscallLayout(SyscallFlowRecord r) {
        if (r.connectHealth != null) {
            return r.ipVersion() == 4 ? connectSyscallIpv4 : connectSyscallIpv6;
        }
        return r.ipVersion() == 4 ? syscallIpv4 : syscallIpv6;
    }

    /**
     * Adds the data records of one flow: one record in the biflow modes; in uniflow mode one per
     * direction that carried traffic. Never a record with zero packets and zero octets.
     */
    void packFlow(FlowRecord flow, MessagePacker packer) {
        if (mode != BiflowMode.UNIFLOWS) {
            if (flow.hasTraffic()) {
                packer.addRecord(flowLayout(flow), flow);
            }
            return;
        }
        if (flow.hasForwardTraffic()) {
            packer.addRecord(flowLayout(flow), flow);
        }
        if (flow.hasReverseTraffic()) {
            FlowRecord reverse = flow.reversed();
            packer.addRecord(flowLayout(reverse), reverse);
        }
    }

    void packSyscallFlow(SyscallFlowRecord syscall, MessagePacker packer) {
        packer.addRecord(syscallLayout(syscall), syscall);
    }

    List<Template<?>> dataTemplates() {
        return List.of(flowIpv4, flowIpv6, syscallIpv4, syscallIpv6, tcpFlowIpv4, tcpFlowIpv6, connectSyscallIpv4,
                connectSyscallIpv6);
    }

    List<Template<?>> all() {
        List<Template<?>> all = new ArrayList<>(List.of(statistics, typeRecords, daemonHealth));
        all.addAll(dataTemplates());
        return all;
    }

    /**
     * Enterprise elements of the data templates and the daemon health template that need RFC
     * 5610 type records: ntop's and flowmond's. PEN 29305 reverse elements are defined by RFC 5103
     * and known to collectors.
     */
    List<InformationElement> typeRecordElements() {
        Set<InformationElement> out = new LinkedHashSet<>();
        List<Template<?>> described = new ArrayList<>(dataTemplates());
        described.add(daemonHealth);
        described.add(statistics);
        for (Template<?> t : described) {
            for (InformationElement ie : t.elements()) {
                if (ie.isEnterprise() && ie.enterpriseNumber() != ReverseElements.PEN) {
                    out.add(ie);
                }
            }
        }
        return List.copyOf(out);
    }

    /**
     * The messages that (re)announce everything. First, in {@link #OPTIONS_DOMAIN}, the options
     * templates and the RFC 5610 type records (the daemon health template after the type records
     * of its elements); then, in the flows' domain, the data templates.
     * Type records go before the templates that use their elements: libfixbuf (ipfixDump)
     * resolves an element when it reads the template.
     */
    List<IpfixMessage> announcement(int maxMessageLength, long flowDomainId, LongSupplier exportTime) {
        List<IpfixMessage> messages = new ArrayList<>();
        MessagePacker options = new MessagePacker(maxMessageLength, OPTIONS_DOMAIN, exportTime, messages::add);
        options.addOptionsTemplate(typeRecords.optionsTemplateRecord());
        for (InformationElement ie : typeRecordElements()) {
            options.addRecord(typeRecords, ie);
        }
        // after the type records: libfixbuf resolves an enterprise element when it reads the template
        options.addOptionsTemplate(statistics.optionsTemplateRecord());
        options.addOptionsTemplate(daemonHealth.optionsTemplateRecord());
        options.flush();
        MessagePacker flows = new MessagePacker(maxMessageLength, flowDomainId, exportTime, messages::add);
        for (Template<?> t : dataTemplates()) {
            flows.addTemplate(t.templateRecord());
        }
        flows.flush();
        return List.copyOf(messages);
    }
}
