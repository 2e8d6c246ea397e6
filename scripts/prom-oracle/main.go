// Command prom-oracle answers questions about a Prometheus setup with Prometheus' own code
// (github.com/prometheus/prometheus v0.316.0), for the monitoring differential test
// (packages/rules/src/monitoring-differential.test.ts). It reads one JSON question a line on
// stdin and prints one JSON answer a line, in order:
//
//	{"id": "a", "q": "promql", "expr": "rate(x[5m]) > 1", "metrics": ["x"], "features": [...]}
//	  -> {"id": "a", "ok": true, "selects": ["x"], "onlyAbsent": [], "type": "vector"}
//	promql/parser ParseExpr; every VectorSelector (Inspect) and which of `metrics` all of its
//	matchers match (a `__name__` matcher, = != =~ !~, or none: a selector without one selects
//	every series). "onlyAbsent" names the metrics selected only inside absent()/absent_over_time().
//	"features" (also on "load") are --enable-feature values the parser honours:
//	promql-experimental-functions, promql-binop-fill-modifiers, promql-unquoted-utf8-names.
//
//	{"id": "b", "q": "load", "config": "/etc/prometheus/prometheus.yml", "files": {path: text}}
//	  -> {"id": "b", "ok": true, "ruleFiles": [...], "rules": [{"alert": "A", "expr": "..."}]}
//	What Prometheus loads at start: config.LoadFile-like (config.Load + SetDirectory), each
//	rule_files pattern globbed as filepath.Glob does over the virtual files (directories too:
//	a ConfigMap volume holds ..data and a timestamped directory), each match parsed by
//	rulefmt.Parse. Any error means Prometheus refuses the configuration: no rule is loaded.
//
//	{"id": "c", "q": "scrape", "config": "...", "namespace": "monitoring",
//	 "pods": [Pod], "services": [Service]}
//	  -> {"id": "c", "ok": true, "targets": [{"job", "role", "address", "metricsPath", "scheme", "pod"}]}
//	config.Load of a prometheus.yml; for each scrape job, the targets its kubernetes_sd_configs
//	(role pod, endpoints, service) discover, built by discovery/kubernetes itself over informers of
//	a fake clientset holding the pods, the Services and the Endpoints the endpoints controller
//	would write (built here from each Service's selector and ports), and its static_configs; then
//	scrape.PopulateLabels (relabel_configs, defaults, validation). Only kept targets are listed.
//
// A question that does not decode is an answer with "error" naming it.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	prom "github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/model"
	"github.com/prometheus/common/promslog"
	"github.com/prometheus/prometheus/config"
	"github.com/prometheus/prometheus/discovery"
	"github.com/prometheus/prometheus/discovery/kubernetes"
	"github.com/prometheus/prometheus/discovery/targetgroup"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/scrape"
	apiv1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes/fake"
)

type question struct {
	ID        string            `json:"id"`
	Q         string            `json:"q"`
	Expr      string            `json:"expr"`
	Metrics   []string          `json:"metrics"`
	Config    string            `json:"config"`
	Files     map[string]string `json:"files"`
	Namespace string            `json:"namespace"`
	Pods      []apiv1.Pod       `json:"pods"`
	Services  []apiv1.Service   `json:"services"`
	// Features are Prometheus' --enable-feature values that change its PromQL parser.
	Features []string `json:"features"`
}

type rule struct {
	Alert  string `json:"alert,omitempty"`
	Record string `json:"record,omitempty"`
	Expr   string `json:"expr"`
}

type target struct {
	Job         string `json:"job"`
	Role        string `json:"role"`
	Address     string `json:"address"`
	MetricsPath string `json:"metricsPath"`
	Scheme      string `json:"scheme"`
	Pod         string `json:"pod,omitempty"`
}

type answer struct {
	ID      string   `json:"id"`
	OK      bool     `json:"ok"`
	Error   string   `json:"error,omitempty"`
	Selects []string `json:"selects,omitempty"`
	// Type is the expression's value type: vector, scalar, matrix or string.
	Type       string   `json:"type,omitempty"`
	OnlyAbsent []string `json:"onlyAbsent,omitempty"`
	RuleFiles  []string `json:"ruleFiles,omitempty"`
	Rules      []rule   `json:"rules,omitempty"`
	Targets    []target `json:"targets,omitempty"`
}

// parserFor is the PromQL parser of a Prometheus started with these --enable-feature values.
func parserFor(features []string) parser.Parser {
	opts := parser.Options{}
	for _, f := range features {
		switch f {
		case "promql-experimental-functions":
			opts.EnableExperimentalFunctions = true
		case "promql-binop-fill-modifiers":
			opts.EnableBinopFillModifiers = true
		case "promql-unquoted-utf8-names":
			opts.EnableUnquotedUTF8Names = true
		}
	}
	return parser.NewParser(opts)
}

func main() {
	decoder := json.NewDecoder(bufio.NewReader(os.Stdin))
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	encoder := json.NewEncoder(out)
	for {
		var q question
		if err := decoder.Decode(&q); err == io.EOF {
			return
		} else if err != nil {
			fmt.Fprintln(os.Stderr, "prom-oracle: bad JSON on stdin:", err)
			os.Exit(2)
		}
		var a answer
		switch q.Q {
		case "promql":
			a = judgeExpr(q.Expr, q.Metrics, parserFor(q.Features))
		case "load":
			a = load(q.Config, q.Files, parserFor(q.Features))
		case "scrape":
			a = scrapeTargets(q)
		default:
			a = answer{Error: fmt.Sprintf("unknown question %q", q.Q)}
		}
		a.ID = q.ID
		_ = encoder.Encode(a)
	}
}

func judgeExpr(expr string, metrics []string, promql parser.Parser) answer {
	parsed, err := promql.ParseExpr(expr)
	if err != nil {
		return answer{Error: err.Error()}
	}
	selected := map[string]bool{}
	outsideAbsent := map[string]bool{}
	parser.Inspect(parsed, func(node parser.Node, path []parser.Node) error {
		vs, ok := node.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		inAbsent := false
		for _, p := range path {
			if call, ok := p.(*parser.Call); ok && strings.HasPrefix(call.Func.Name, "absent") {
				inAbsent = true
			}
		}
		for _, metric := range metrics {
			if selectsName(vs.LabelMatchers, metric) {
				selected[metric] = true
				if !inAbsent {
					outsideAbsent[metric] = true
				}
			}
		}
		return nil
	})
	a := answer{OK: true, Type: string(parsed.Type())}
	for _, metric := range metrics {
		if selected[metric] {
			a.Selects = append(a.Selects, metric)
			if !outsideAbsent[metric] {
				a.OnlyAbsent = append(a.OnlyAbsent, metric)
			}
		}
	}
	return a
}

// selectsName: every __name__ matcher of the selector accepts the name.
func selectsName(matchers []*labels.Matcher, name string) bool {
	for _, m := range matchers {
		if m.Name == labels.MetricName && !m.Matches(name) {
			return false
		}
	}
	return true
}

// load mirrors config.LoadFile (Load, then SetDirectory to the file's folder) and the rule
// manager's loading: filepath.Glob of each rule_files pattern, rulefmt.ParseFile of each match.
func load(configPath string, files map[string]string, promql parser.Parser) answer {
	text, found := files[configPath]
	if !found {
		return answer{Error: fmt.Sprintf("open %s: no such file or directory", configPath)}
	}
	cfg, err := config.Load(text, promslog.NewNopLogger())
	if err != nil {
		return answer{Error: fmt.Sprintf("parsing YAML file %s: %v", configPath, err)}
	}
	cfg.SetDirectory(path.Dir(configPath))
	a := answer{OK: true}
	for _, pattern := range cfg.RuleFiles {
		for _, match := range glob(pattern, files) {
			a.RuleFiles = append(a.RuleFiles, match)
			content, isFile := files[match]
			if !isFile {
				return answer{Error: fmt.Sprintf("%s: read: is a directory", match)}
			}
			groups, errs := rulefmt.Parse([]byte(content), false, model.UTF8Validation, promql, promslog.NewNopLogger())
			if len(errs) > 0 {
				return answer{Error: fmt.Sprintf("%s: %v", match, errs[0])}
			}
			for _, g := range groups.Groups {
				for _, r := range g.Rules {
					a.Rules = append(a.Rules, rule{Alert: r.Alert, Record: r.Record, Expr: r.Expr})
				}
			}
		}
	}
	return a
}

// glob is filepath.Glob over the virtual files and the folders that hold them: `*` never
// crosses a `/` but does match a leading dot, so `dir/*` meets a ConfigMap volume's `..data`.
func glob(pattern string, files map[string]string) []string {
	candidates := map[string]bool{}
	for name := range files {
		candidates[name] = true
		for dir := path.Dir(name); dir != "/" && dir != "."; dir = path.Dir(dir) {
			candidates[dir] = true
		}
	}
	var matches []string
	for name := range candidates {
		if ok, _ := path.Match(pattern, name); ok {
			matches = append(matches, name)
		}
	}
	sort.Strings(matches)
	return matches
}

func scrapeTargets(q question) answer {
	cfg, err := config.Load(q.Config, promslog.NewNopLogger())
	if err != nil {
		return answer{Error: err.Error()}
	}
	jobs, err := cfg.GetScrapeConfigs()
	if err != nil {
		return answer{Error: err.Error()}
	}
	a := answer{OK: true, Targets: []target{}}
	for _, job := range jobs {
		for _, sd := range job.ServiceDiscoveryConfigs {
			switch c := sd.(type) {
			case *kubernetes.SDConfig:
				groups, err := discover(c, q)
				if err != nil {
					return answer{Error: err.Error()}
				}
				a.Targets = append(a.Targets, kept(job, string(c.Role), groups)...)
			case discovery.StaticConfig:
				a.Targets = append(a.Targets, kept(job, "static", []*targetgroup.Group(c))...)
			}
		}
	}
	return a
}

func kept(job *config.ScrapeConfig, role string, groups []*targetgroup.Group) []target {
	var out []target
	lb := labels.NewBuilder(labels.EmptyLabels())
	for _, group := range groups {
		for _, t := range group.Targets {
			res, err := scrape.PopulateLabels(lb, job, t, group.Labels)
			if err != nil || res.IsEmpty() {
				continue
			}
			pod := string(t["__meta_kubernetes_pod_name"])
			if pod == "" {
				pod = string(group.Labels["__meta_kubernetes_pod_name"])
			}
			out = append(out, target{
				Job:         job.JobName,
				Role:        role,
				Address:     res.Get(model.AddressLabel),
				MetricsPath: res.Get(model.MetricsPathLabel),
				Scheme:      res.Get(model.SchemeLabel),
				Pod:         pod,
			})
		}
	}
	return out
}

// discover runs discovery/kubernetes' own Pod, Endpoints or Service discoverer over informers of
// a fake clientset, in the namespaces the SD config watches (names, own_namespace: the
// question's namespace, where Prometheus runs).
func discover(c *kubernetes.SDConfig, q question) ([]*targetgroup.Group, error) {
	watched := map[string]bool{}
	for _, n := range c.NamespaceDiscovery.Names {
		watched[n] = true
	}
	if c.NamespaceDiscovery.IncludeOwnNamespace {
		watched[q.Namespace] = true
	}
	in := func(ns string) bool { return len(watched) == 0 || watched[ns] }
	client := fake.NewSimpleClientset()
	ctx := context.Background()
	for i := range q.Pods {
		pod := q.Pods[i]
		if !in(pod.Namespace) {
			continue
		}
		pod.Status.PodIP = fmt.Sprintf("10.0.0.%d", i+1)
		pod.Status.Phase = apiv1.PodRunning
		if _, err := client.CoreV1().Pods(pod.Namespace).Create(ctx, &pod, metav1.CreateOptions{}); err != nil {
			return nil, err
		}
		q.Pods[i].Status.PodIP = pod.Status.PodIP
	}
	for i := range q.Services {
		svc := q.Services[i]
		if !in(svc.Namespace) {
			continue
		}
		if _, err := client.CoreV1().Services(svc.Namespace).Create(ctx, &svc, metav1.CreateOptions{}); err != nil {
			return nil, err
		}
		eps := endpointsOf(&svc, q.Pods)
		if _, err := client.CoreV1().Endpoints(svc.Namespace).Create(ctx, eps, metav1.CreateOptions{}); err != nil {
			return nil, err
		}
	}
	factory := informers.NewSharedInformerFactory(client, 0)
	podInf := factory.Core().V1().Pods().Informer()
	svcInf := factory.Core().V1().Services().Informer()
	epsInf := factory.Core().V1().Endpoints().Informer()
	events := prom.NewCounterVec(prom.CounterOpts{Name: "events"}, []string{"role", "event"})
	logger := promslog.NewNopLogger()
	var run func(context.Context, chan<- []*targetgroup.Group)
	var expected int
	switch c.Role {
	case kubernetes.RolePod:
		run = kubernetes.NewPod(logger, podInf, nil, nil, nil, nil, false, false, false, events).Run
		expected = len(podInf.GetStore().List())
	case kubernetes.RoleEndpoint:
		run = kubernetes.NewEndpoints(logger, epsInf, svcInf, podInf, nil, nil, nil, nil, false, false, false, events).Run
	case kubernetes.RoleService:
		run = kubernetes.NewService(logger, svcInf, nil, events).Run
	default:
		return nil, fmt.Errorf("role %q is not asked by the test", c.Role)
	}
	stop, cancel := context.WithCancel(ctx)
	defer cancel()
	factory.Start(stop.Done())
	factory.WaitForCacheSync(stop.Done())
	switch c.Role {
	case kubernetes.RolePod:
		expected = len(podInf.GetStore().List())
	case kubernetes.RoleEndpoint:
		expected = len(epsInf.GetStore().List())
	case kubernetes.RoleService:
		expected = len(svcInf.GetStore().List())
	}
	ch := make(chan []*targetgroup.Group, 64)
	go run(stop, ch)
	bySource := map[string]*targetgroup.Group{}
	deadline := time.After(5 * time.Second)
	for len(bySource) < expected {
		select {
		case groups := <-ch:
			for _, g := range groups {
				bySource[g.Source] = g
			}
		case <-deadline:
			return nil, fmt.Errorf("discovery of role %s gave %d of %d groups", c.Role, len(bySource), expected)
		}
	}
	out := make([]*targetgroup.Group, 0, len(bySource))
	for _, g := range bySource {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Source < out[j].Source })
	return out, nil
}

// endpointsOf is what the endpoints controller writes for a Service: every pod of its namespace
// its selector selects, on each Service port's targetPort (a name resolved through the pod's
// container ports, as podutil.FindPort does; a pod without that port is left out of the subset).
func endpointsOf(svc *apiv1.Service, pods []apiv1.Pod) *apiv1.Endpoints {
	eps := &apiv1.Endpoints{ObjectMeta: metav1.ObjectMeta{Name: svc.Name, Namespace: svc.Namespace, Labels: svc.Labels}}
	if len(svc.Spec.Selector) == 0 {
		return eps
	}
	for i := range pods {
		pod := &pods[i]
		if pod.Namespace != svc.Namespace || !selects(svc.Spec.Selector, pod.Labels) {
			continue
		}
		for _, sp := range svc.Spec.Ports {
			port, ok := findPort(pod, sp)
			if !ok {
				continue
			}
			eps.Subsets = append(eps.Subsets, apiv1.EndpointSubset{
				Addresses: []apiv1.EndpointAddress{{
					IP:        pod.Status.PodIP,
					TargetRef: &apiv1.ObjectReference{Kind: "Pod", Namespace: pod.Namespace, Name: pod.Name, UID: pod.UID},
				}},
				Ports: []apiv1.EndpointPort{{Name: sp.Name, Port: port, Protocol: protocolOf(sp.Protocol)}},
			})
		}
	}
	return eps
}

func protocolOf(p apiv1.Protocol) apiv1.Protocol {
	if p == "" {
		return apiv1.ProtocolTCP
	}
	return p
}

func selects(selector, podLabels map[string]string) bool {
	for k, v := range selector {
		if podLabels[k] != v {
			return false
		}
	}
	return true
}

func findPort(pod *apiv1.Pod, sp apiv1.ServicePort) (int32, bool) {
	tp := sp.TargetPort
	switch {
	case tp.Type == intstr.String && tp.StrVal != "":
		for _, c := range pod.Spec.Containers {
			for _, p := range c.Ports {
				if p.Name == tp.StrVal && protocolOf(p.Protocol) == protocolOf(sp.Protocol) {
					return p.ContainerPort, true
				}
			}
		}
		return 0, false
	case tp.Type == intstr.Int && tp.IntVal != 0:
		return tp.IntVal, true
	default:
		return sp.Port, true
	}
}
