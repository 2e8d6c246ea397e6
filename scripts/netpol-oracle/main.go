// Command netpol-oracle answers whether a NetworkPolicy dataplane lets a connection through, for
// the differential test of our network analysis (packages/netpol/src/dataplane-differential.test.ts).
// The dataplane is sigs.k8s.io/kube-network-policies v0.8.0 (the NetworkPolicy implementation of
// kindnet, Kubernetes' own CI clusters): its Controller, built with NewController over informers
// that nothing starts, its listers filled directly, and its per-packet verdict: evaluatePacket,
// the function the nfqueue handler asks for the first packet of every connection. It is
// unexported, so this program links to it by name (go:linkname) with a copy of its packet
// struct; a self-test at start-up (selfTest) refuses to answer if that copy no longer fits.
//
// It also answers a second kind of line, {"id": ..., "endpoints": {...}}: the endpoints a
// Service really has (endpoints.go).
//
// It reads one case a line on stdin,
//
//	{"id": "s1", "namespaces": [Namespace], "pods": [Pod], "policies": [NetworkPolicy],
//	 "queries": [{"src": "10.244.0.1", "dst": "203.0.113.9", "protocol": "TCP", "ports": [80, 443]}]}
//
// and answers one line each, {"id": "s1", "allowed": ["10", ...]}: per query in order, one
// character per port, 1 for a connection the dataplane lets through, 0 for one it drops; or
// {"id": "s1", "error": "..."} for a case that does not decode (unknown fields are
// errors: a generator mistake is never silently dropped). Pods carry their IPs in
// status.podIPs (a hostNetwork pod: its node's IP); queries name addresses, as packets do.
//
// Before the dataplane sees them, the objects go through what the API server does to them:
// k8s.io/kubernetes v1.37.2's defaulting (policyTypes, port protocols, the namespace's
// kubernetes.io/metadata.name label) and a protobuf round trip, the storage encoding the
// informers read (an empty list such as `ingress: []` comes back absent). A pod's namespace that
// no case object declares exists with only its defaulted labels, as the API server requires a
// pod's namespace to exist. Validation is not repeated: the generator sends valid objects.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"unsafe"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/tools/cache"
	"k8s.io/klog/v2"
	coredefaults "k8s.io/kubernetes/pkg/apis/core/v1"
	networkingdefaults "k8s.io/kubernetes/pkg/apis/networking/v1"
	"sigs.k8s.io/kube-network-policies/pkg/networkpolicy"
)

// packet mirrors the unexported packet struct of kube-network-policies v0.8.0 (packet.go) field
// for field, so that evaluatePacket can be called with it.
type packet struct {
	id      uint32
	family  corev1.IPFamily
	srcIP   net.IP
	dstIP   net.IP
	proto   corev1.Protocol
	srcPort int
	dstPort int
	payload []byte
}

//go:linkname evaluatePacket sigs.k8s.io/kube-network-policies/pkg/networkpolicy.(*Controller).evaluatePacket
func evaluatePacket(c *networkpolicy.Controller, ctx context.Context, p packet) bool

var _ = unsafe.Sizeof(packet{}) // go:linkname needs package unsafe imported

// verdict asks the dataplane about the first packet of a connection src:40000 -> dst:port.
func verdict(c *networkpolicy.Controller, src, dst net.IP, protocol corev1.Protocol, port int) bool {
	family := corev1.IPv4Protocol
	if src.To4() == nil {
		family = corev1.IPv6Protocol
	}
	return evaluatePacket(c, context.Background(), packet{
		family: family, srcIP: src, dstIP: dst, proto: protocol, srcPort: 40000, dstPort: port,
	})
}

type query struct {
	Src      string          `json:"src"`
	Dst      string          `json:"dst"`
	Protocol corev1.Protocol `json:"protocol"`
	Ports    []int           `json:"ports"`
}

type oracleCase struct {
	ID         string                       `json:"id"`
	Namespaces []corev1.Namespace           `json:"namespaces"`
	Pods       []corev1.Pod                 `json:"pods"`
	Policies   []networkingv1.NetworkPolicy `json:"policies"`
	Queries    []query                      `json:"queries"`
}

type answer struct {
	ID      string   `json:"id"`
	Error   string   `json:"error,omitempty"`
	Allowed []string `json:"allowed"`
}

// dataplane is one controller whose listers each case refills.
type dataplane struct {
	controller *networkpolicy.Controller
	namespaces cache.Indexer
	pods       cache.Indexer
	policies   cache.Indexer
}

func newDataplane() (*dataplane, error) {
	client := fake.NewClientset()
	factory := informers.NewSharedInformerFactory(client, 0)
	policyInformer := factory.Networking().V1().NetworkPolicies()
	namespaceInformer := factory.Core().V1().Namespaces()
	podInformer := factory.Core().V1().Pods()
	nodeInformer := factory.Core().V1().Nodes()
	controller, err := networkpolicy.NewController(client, policyInformer, namespaceInformer,
		podInformer, nodeInformer, nil, nil, nil,
		// NetworkPolicies only: no admin policies, no DNS shortcut (NetfilterBug1766Fix accepts
		// every UDP 53 packet before any policy is asked). NRI stays on, as on a node: the
		// plugin is created, never started, so its IP lookup finds nothing.
		networkpolicy.Config{NodeName: "oracle-node"})
	if err != nil {
		return nil, err
	}
	return &dataplane{
		controller: controller,
		namespaces: namespaceInformer.Informer().GetIndexer(),
		pods:       podInformer.Informer().GetIndexer(),
		policies:   policyInformer.Informer().GetIndexer(),
	}, nil
}

func main() {
	klog.SetOutput(io.Discard)
	klog.LogToStderr(false)
	plane, err := newDataplane()
	if err == nil {
		err = plane.selfTest()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "netpol-oracle:", err)
		os.Exit(2)
	}
	decoder := json.NewDecoder(bufio.NewReader(os.Stdin))
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	encoder := json.NewEncoder(out)
	for {
		var raw json.RawMessage
		if err := decoder.Decode(&raw); err == io.EOF {
			return
		} else if err != nil {
			fmt.Fprintln(os.Stderr, "netpol-oracle: bad JSON on stdin:", err)
			os.Exit(2)
		}
		if isEndpointsRequest(raw) {
			_ = encoder.Encode(plane.endpoints(raw))
		} else {
			_ = encoder.Encode(plane.judge(raw))
		}
		_ = out.Flush()
	}
}

// isEndpointsRequest: a line with an "endpoints" member asks the second question (endpoints.go).
func isEndpointsRequest(raw json.RawMessage) bool {
	var probe map[string]json.RawMessage
	if json.Unmarshal(raw, &probe) != nil {
		return false
	}
	_, ok := probe["endpoints"]
	return ok
}

func (d *dataplane) endpoints(raw json.RawMessage) endpointsAnswer {
	var req endpointsRequest
	strict := json.NewDecoder(bytes.NewReader(raw))
	strict.DisallowUnknownFields()
	if err := strict.Decode(&req); err != nil {
		var id struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(raw, &id)
		return endpointsAnswer{ID: id.ID, Error: err.Error()}
	}
	return answerEndpoints(req)
}

func (d *dataplane) judge(raw json.RawMessage) answer {
	var c oracleCase
	strict := json.NewDecoder(bytes.NewReader(raw))
	strict.DisallowUnknownFields()
	if err := strict.Decode(&c); err != nil {
		var id struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(raw, &id)
		return answer{ID: id.ID, Error: err.Error()}
	}
	if err := d.load(c); err != nil {
		return answer{ID: c.ID, Error: err.Error()}
	}
	allowed := make([]string, len(c.Queries))
	for i, q := range c.Queries {
		src, dst := net.ParseIP(q.Src), net.ParseIP(q.Dst)
		if src == nil || dst == nil {
			return answer{ID: c.ID, Error: fmt.Sprintf("query %d: %q or %q is no IP address", i, q.Src, q.Dst)}
		}
		verdicts := make([]byte, len(q.Ports))
		for j, port := range q.Ports {
			verdicts[j] = '0'
			if verdict(d.controller, src, dst, q.Protocol, port) {
				verdicts[j] = '1'
			}
		}
		allowed[i] = string(verdicts)
	}
	return answer{ID: c.ID, Allowed: allowed}
}

// load replaces what the listers hold with the case's objects, as the API server stores them.
func (d *dataplane) load(c oracleCase) error {
	declared := map[string]bool{}
	var namespaces, pods, policies []interface{}
	for i := range c.Namespaces {
		ns := c.Namespaces[i]
		declared[ns.Name] = true
		coredefaults.SetObjectDefaults_Namespace(&ns)
		stored, err := roundTrip(&ns, &corev1.Namespace{})
		if err != nil {
			return err
		}
		namespaces = append(namespaces, stored)
	}
	for i := range c.Pods {
		pod := c.Pods[i]
		if !declared[pod.Namespace] {
			declared[pod.Namespace] = true
			ns := corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: pod.Namespace}}
			coredefaults.SetObjectDefaults_Namespace(&ns)
			namespaces = append(namespaces, &ns)
		}
		coredefaults.SetObjectDefaults_Pod(&pod)
		pod.Spec.NodeName = "oracle-node"
		pod.Status.Phase = corev1.PodRunning
		stored, err := roundTrip(&pod, &corev1.Pod{})
		if err != nil {
			return err
		}
		pods = append(pods, stored)
	}
	for i := range c.Policies {
		policy := c.Policies[i]
		networkingdefaults.SetObjectDefaults_NetworkPolicy(&policy)
		stored, err := roundTrip(&policy, &networkingv1.NetworkPolicy{})
		if err != nil {
			return err
		}
		policies = append(policies, stored)
	}
	for _, step := range []struct {
		indexer cache.Indexer
		objects []interface{}
	}{{d.namespaces, namespaces}, {d.pods, pods}, {d.policies, policies}} {
		if err := step.indexer.Replace(step.objects, ""); err != nil {
			return err
		}
	}
	return nil
}

type protoObject interface {
	Marshal() ([]byte, error)
	Unmarshal([]byte) error
}

// roundTrip stores and reads back an object in the API server's protobuf encoding.
func roundTrip[T protoObject](in T, out T) (T, error) {
	data, err := in.Marshal()
	if err != nil {
		return out, err
	}
	return out, out.Unmarshal(data)
}

// selfTest checks that the linked evaluatePacket reads our packet as its own: a pod that a
// policy isolates for ingress on TCP 80 only accepts TCP 80 from another pod, nothing else.
func (d *dataplane) selfTest() error {
	tcp := corev1.ProtocolTCP
	port := intstr.FromInt32(80)
	c := oracleCase{
		Pods: []corev1.Pod{
			{ObjectMeta: metav1.ObjectMeta{Name: "a", Namespace: "t", Labels: map[string]string{"app": "a"}},
				Status: corev1.PodStatus{PodIPs: []corev1.PodIP{{IP: "10.244.0.1"}}}},
			{ObjectMeta: metav1.ObjectMeta{Name: "b", Namespace: "t"},
				Status: corev1.PodStatus{PodIPs: []corev1.PodIP{{IP: "10.244.0.2"}}}},
		},
		Policies: []networkingv1.NetworkPolicy{{
			ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "t"},
			Spec: networkingv1.NetworkPolicySpec{
				PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": "a"}},
				Ingress:     []networkingv1.NetworkPolicyIngressRule{{Ports: []networkingv1.NetworkPolicyPort{{Protocol: &tcp, Port: &port}}}},
			},
		}},
	}
	if err := d.load(c); err != nil {
		return err
	}
	a, b, outside := net.ParseIP("10.244.0.1"), net.ParseIP("10.244.0.2"), net.ParseIP("203.0.113.1")
	checks := []struct {
		src, dst net.IP
		protocol corev1.Protocol
		port     int
		want     bool
	}{
		{b, a, corev1.ProtocolTCP, 80, true},
		{b, a, corev1.ProtocolTCP, 81, false},
		{b, a, corev1.ProtocolUDP, 80, false},
		{a, b, corev1.ProtocolUDP, 53, true},
		{outside, a, corev1.ProtocolTCP, 80, true},
		{outside, a, corev1.ProtocolTCP, 443, false},
	}
	for _, check := range checks {
		if got := verdict(d.controller, check.src, check.dst, check.protocol, check.port); got != check.want {
			return fmt.Errorf("self-test: %s -> %s %s/%d answered %v, want %v: the packet struct no longer matches kube-network-policies", check.src, check.dst, check.protocol, check.port, got, check.want)
		}
	}
	return nil
}
