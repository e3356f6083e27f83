package org.flowmond.daemon.container;

/** A Kubernetes pod's quality-of-service class, read from the kubelet's cgroup names. */
public enum QosClass {
    /** Not a Kubernetes pod. */
    NONE(""),
    /** Requests equal limits for every container: the pod's cgroup sits directly under kubepods. */
    GUARANTEED("guaranteed"),
    BURSTABLE("burstable"),
    BESTEFFORT("besteffort");

    private final String label;

    QosClass(String label) {
        this.label = label;
    }

    /** Kubernetes' name in lower case, as in the cgroup names; "" for {@link #NONE}. */
    public String label() {
        return label;
    }
}
