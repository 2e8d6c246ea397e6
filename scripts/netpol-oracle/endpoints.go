package main

// The second request kind: which pods, at which port, a Service really sends traffic to, as
// k8s.io/kubernetes v1.37.2's EndpointSlice controller computes it. A line
//
//	{"id": "e1", "endpoints": {"services": [Service], "pods": [Pod]}}
//
// is answered {"id": "e1", "services": [{"service": "ns/name", "ports": [{"port": 80,
// "protocol": "TCP", "endpoints": [{"pod": "ns/name", "port": 8080}]}]}]}: per Service in order,
// per Service port in order, the pods (sorted) whose endpoints kube-proxy programs for that
// port and the port they receive on. Pods carry what their controller gives them (labels,
// namespace); the oracle makes them scheduled, running and ready, with an address (a
// hostNetwork pod: its node's) unless status.podIPs names one.
//
// The objects go through the API server's defaulting (the Service's type, port protocols,
// targetPort = port) and the protobuf round trip (`selector: {}` comes back nil). The Service
// gets what the API server allocates: a cluster IP (unless `clusterIP: None` or ExternalName)
// and its IP family. Then a fresh controller, built with NewController over informers nothing
// starts and listers filled directly, runs its unexported syncService (go:linkname) once per
// Service; the EndpointSlices it writes to the fake client are read back. A port of a slice
// serves the endpoints of that slice only: kube-proxy joins slices by port name.

import (
	"context"
	"fmt"
	"sort"
	"time"
	_ "unsafe" // go:linkname needs package unsafe imported

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/klog/v2"
	coredefaults "k8s.io/kubernetes/pkg/apis/core/v1"
	"k8s.io/kubernetes/pkg/controller/endpointslice"
)

//go:linkname syncService k8s.io/kubernetes/pkg/controller/endpointslice.(*Controller).syncService
func syncService(c *endpointslice.Controller, logger klog.Logger, key string) error

type endpointsRequest struct {
	ID        string        `json:"id"`
	Endpoints endpointsCase `json:"endpoints"`
}

type endpointsCase struct {
	Services []corev1.Service `json:"services"`
	Pods     []corev1.Pod     `json:"pods"`
}

type servedEndpoint struct {
	Pod  string `json:"pod"`
	Port int32  `json:"port"`
}

type servedPort struct {
	Name      string           `json:"name"`
	Port      int32            `json:"port"`
	Protocol  corev1.Protocol  `json:"protocol"`
	Endpoints []servedEndpoint `json:"endpoints"`
}

type servedService struct {
	Service string       `json:"service"`
	Ports   []servedPort `json:"ports"`
}

type endpointsAnswer struct {
	ID       string          `json:"id"`
	Error    string          `json:"error,omitempty"`
	Services []servedService `json:"services"`
}

const oracleNode = "oracle-node"

func answerEndpoints(req endpointsRequest) endpointsAnswer {
	services, err := endpointsOf(req.Endpoints)
	if err != nil {
		return endpointsAnswer{ID: req.ID, Error: err.Error()}
	}
	return endpointsAnswer{ID: req.ID, Services: services}
}

func endpointsOf(c endpointsCase) ([]servedService, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	client := fake.NewClientset()
	nameGenerated(client)
	factory := informers.NewSharedInformerFactory(client, 0)
	podInformer := factory.Core().V1().Pods()
	serviceInformer := factory.Core().V1().Services()
	nodeInformer := factory.Core().V1().Nodes()
	sliceInformer := factory.Discovery().V1().EndpointSlices()
	controller := endpointslice.NewController(ctx, podInformer, serviceInformer, nodeInformer,
		sliceInformer, 100, client, time.Second)

	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: oracleNode}}
	if err := nodeInformer.Informer().GetIndexer().Add(node); err != nil {
		return nil, err
	}
	for i := range c.Pods {
		pod, err := storedPod(c.Pods[i], i)
		if err != nil {
			return nil, err
		}
		if err := podInformer.Informer().GetIndexer().Add(pod); err != nil {
			return nil, err
		}
	}
	stored := make([]*corev1.Service, len(c.Services))
	for i := range c.Services {
		service, err := storedService(c.Services[i], i)
		if err != nil {
			return nil, err
		}
		stored[i] = service
		if err := serviceInformer.Informer().GetIndexer().Add(service); err != nil {
			return nil, err
		}
	}
	out := make([]servedService, len(stored))
	for i, service := range stored {
		key := service.Namespace + "/" + service.Name
		if err := syncService(controller, klog.Background(), key); err != nil {
			return nil, fmt.Errorf("syncService %s: %w", key, err)
		}
		slices, err := client.DiscoveryV1().EndpointSlices(service.Namespace).List(ctx, metav1.ListOptions{
			LabelSelector: discoveryv1.LabelServiceName + "=" + service.Name,
		})
		if err != nil {
			return nil, err
		}
		out[i] = servedService{Service: key, Ports: portsServed(service, slices.Items)}
	}
	return out, nil
}

// nameGenerated makes the fake client name created objects from their generateName, as the API
// server does (the controller creates every EndpointSlice with a generateName only).
func nameGenerated(client *fake.Clientset) {
	count := 0
	client.PrependReactor("create", "*", func(action k8stesting.Action) (bool, runtime.Object, error) {
		object := action.(k8stesting.CreateAction).GetObject()
		meta, err := apimeta.Accessor(object)
		if err == nil && meta.GetName() == "" && meta.GetGenerateName() != "" {
			count++
			meta.SetName(fmt.Sprintf("%s%05d", meta.GetGenerateName(), count))
		}
		return false, nil, nil
	})
}

// portsServed: per Service port, the endpoints of every slice that carries a port of its name
// and protocol, at that slice port's number (what kube-proxy programs).
func portsServed(service *corev1.Service, slices []discoveryv1.EndpointSlice) []servedPort {
	ports := make([]servedPort, len(service.Spec.Ports))
	for i, sp := range service.Spec.Ports {
		served := servedPort{Name: sp.Name, Port: sp.Port, Protocol: sp.Protocol, Endpoints: []servedEndpoint{}}
		for _, slice := range slices {
			for _, port := range slice.Ports {
				if port.Name == nil || *port.Name != sp.Name || port.Protocol == nil ||
					*port.Protocol != sp.Protocol || port.Port == nil {
					continue
				}
				for _, ep := range slice.Endpoints {
					if ep.TargetRef == nil {
						continue
					}
					served.Endpoints = append(served.Endpoints, servedEndpoint{
						Pod:  ep.TargetRef.Namespace + "/" + ep.TargetRef.Name,
						Port: *port.Port,
					})
				}
			}
		}
		sort.Slice(served.Endpoints, func(a, b int) bool {
			x, y := served.Endpoints[a], served.Endpoints[b]
			return x.Pod < y.Pod || (x.Pod == y.Pod && x.Port < y.Port)
		})
		ports[i] = served
	}
	return ports
}

// storedPod: the pod as the API server stores it, scheduled to the oracle's node, running and
// ready, with an address.
func storedPod(pod corev1.Pod, index int) (*corev1.Pod, error) {
	if pod.Namespace == "" {
		pod.Namespace = metav1.NamespaceDefault
	}
	coredefaults.SetObjectDefaults_Pod(&pod)
	pod.Spec.NodeName = oracleNode
	pod.Status.Phase = corev1.PodRunning
	pod.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}
	if len(pod.Status.PodIPs) == 0 {
		ip := fmt.Sprintf("10.244.%d.%d", index/250, index%250+1)
		if pod.Spec.HostNetwork {
			ip = fmt.Sprintf("192.0.%d.%d", 2+index/250, index%250+1)
		}
		pod.Status.PodIPs = []corev1.PodIP{{IP: ip}}
	}
	pod.Status.PodIP = pod.Status.PodIPs[0].IP
	return roundTrip(&pod, &corev1.Pod{})
}

// storedService: the Service as the API server stores it, with its allocated cluster IP and
// IP family (IPv4, the oracle's single-stack cluster).
func storedService(service corev1.Service, index int) (*corev1.Service, error) {
	if service.Namespace == "" {
		service.Namespace = metav1.NamespaceDefault
	}
	coredefaults.SetObjectDefaults_Service(&service)
	if service.Spec.Type != corev1.ServiceTypeExternalName {
		if service.Spec.ClusterIP == "" {
			service.Spec.ClusterIP = fmt.Sprintf("10.96.%d.%d", index/250, index%250+1)
		}
		if service.Spec.ClusterIP != corev1.ClusterIPNone {
			service.Spec.ClusterIPs = []string{service.Spec.ClusterIP}
		}
		service.Spec.IPFamilies = []corev1.IPFamily{corev1.IPv4Protocol}
	}
	return roundTrip(&service, &corev1.Service{})
}
