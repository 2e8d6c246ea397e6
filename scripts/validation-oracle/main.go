// Command validation-oracle tells whether the API server accepts an object on create, for the
// API-server validation differential test (packages/schema/src/api-validation.differential.test.ts).
// It reads one request a line on stdin, {"object": "<the object's JSON text>"}, and answers one
// JSON line each: {"kind", "errors": [{"field", "type", "detail"}]}, no errors meaning accepted.
//
// It does what the API server does for a create, with k8s.io/kubernetes v1.37.2's own code:
// strict JSON decoding (sigs.k8s.io/json; kubectl's default --validate=strict makes unknown and
// duplicate fields fatal), the scheme's defaulting, conversion to the internal types, the parts
// of the registry strategy's PrepareForCreate that validation depends on (a Job's generated
// selector and labels), then the strategy's Validate: ValidatePodCreate with the options
// GetValidationOptionsFromPodSpecAndMeta gives a new Pod (ResourceIsPod), apps and batch
// validation with GetValidationOptionsFromPodTemplate, ValidateServiceCreate,
// ValidateNetworkPolicy. Not covered: declarative validation and admission.
//
// A request {"image": "<reference>"} instead asks what the cluster makes of an image string
// (image.go): whether the kubelet parses it, its normalized name, tag and digest, the defaulted
// pull policy, and the API server's validation of a Pod and a Deployment using it.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	podutil "k8s.io/kubernetes/pkg/api/pod"
	"k8s.io/kubernetes/pkg/apis/apps"
	_ "k8s.io/kubernetes/pkg/apis/apps/install"
	appsvalidation "k8s.io/kubernetes/pkg/apis/apps/validation"
	"k8s.io/kubernetes/pkg/apis/batch"
	_ "k8s.io/kubernetes/pkg/apis/batch/install"
	batchvalidation "k8s.io/kubernetes/pkg/apis/batch/validation"
	"k8s.io/kubernetes/pkg/apis/core"
	_ "k8s.io/kubernetes/pkg/apis/core/install"
	corevalidation "k8s.io/kubernetes/pkg/apis/core/validation"
	"k8s.io/kubernetes/pkg/apis/networking"
	_ "k8s.io/kubernetes/pkg/apis/networking/install"
	networkingvalidation "k8s.io/kubernetes/pkg/apis/networking/validation"
	kjson "sigs.k8s.io/json"
)

type request struct {
	Object string  `json:"object"`
	Image  *string `json:"image"`
}

type fieldError struct {
	Field  string `json:"field"`
	Type   string `json:"type"`
	Detail string `json:"detail,omitempty"`
}

type answer struct {
	Kind string `json:"kind,omitempty"`
	// Refused before validation: the object does not decode or convert.
	Refused string       `json:"refused,omitempty"`
	Errors  []fieldError `json:"errors,omitempty"`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 0, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		var req request
		var ans any
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			ans = answer{Refused: "bad request: " + err.Error()}
		} else if req.Image != nil {
			ans = judgeImage(*req.Image)
		} else {
			ans = judge([]byte(req.Object))
		}
		line, _ := json.Marshal(ans)
		out.Write(append(line, '\n'))
		out.Flush()
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "validation-oracle:", err)
		os.Exit(1)
	}
}

func judge(raw []byte) answer {
	var head metav1.TypeMeta
	if err := json.Unmarshal(raw, &head); err != nil {
		return answer{Refused: "decode: " + err.Error()}
	}
	gvk := schema.FromAPIVersionAndKind(head.APIVersion, head.Kind)
	ans := answer{Kind: head.Kind}
	versioned, err := legacyscheme.Scheme.New(gvk)
	if err != nil {
		ans.Refused = "unknown kind: " + err.Error()
		return ans
	}
	if reason := decode(raw, versioned); reason != "" {
		ans.Refused = reason
		return ans
	}
	legacyscheme.Scheme.Default(versioned)
	internal, err := legacyscheme.Scheme.New(gvk.GroupKind().WithVersion(runtime.APIVersionInternal))
	if err != nil {
		ans.Refused = "no internal type: " + err.Error()
		return ans
	}
	if err := legacyscheme.Scheme.Convert(versioned, internal, nil); err != nil {
		ans.Refused = "convert: " + err.Error()
		return ans
	}
	prepare(internal)
	var errs field.ErrorList
	if svc, ok := internal.(*core.Service); ok {
		errs = allocate(svc)
	}
	for _, e := range append(errs, validate(internal)...) {
		ans.Errors = append(ans.Errors, fieldError{Field: e.Field, Type: string(e.Type), Detail: e.Detail})
	}
	return ans
}

// decode is the API server's JSON decoding: a fatal error, or strict errors that
// fieldValidation=Strict (kubectl's default) makes fatal too.
func decode(raw []byte, into any) string {
	strict, err := kjson.UnmarshalStrict(raw, into)
	if err != nil {
		return "decode: " + err.Error()
	}
	if len(strict) > 0 {
		return "strict decoding: " + strict[0].Error()
	}
	return ""
}

// prepare does what the API server does before validation: kubectl fills the namespace from
// its context, the server the UID, and a Job's PrepareForCreate its selector and pod labels.
func prepare(obj runtime.Object) {
	if meta, ok := obj.(metav1.ObjectMetaAccessor); ok {
		m := meta.GetObjectMeta()
		if m.GetNamespace() == "" {
			m.SetNamespace("default")
		}
		m.SetUID("6e1f4f1c-5d36-4a0e-9d2b-0c1e2f3a4b5c")
	}
	if job, ok := obj.(*batch.Job); ok {
		if job.Spec.ManualSelector == nil || !*job.Spec.ManualSelector {
			generateSelector(job)
		}
	}
}

// allocate is what the Service storage's BeginCreate does before validation
// (pkg/registry/core/service/storage), on a single-stack IPv4 cluster with the default
// service CIDR and node port range: a clusterIP, its family, node ports and a health check
// port; a node port the user asks for outside the range is refused by the allocator.
func allocate(svc *core.Service) field.ErrorList {
	var errs field.ErrorList
	if len(svc.Spec.ClusterIPs) == 0 && svc.Spec.ClusterIP != "" {
		svc.Spec.ClusterIPs = []string{svc.Spec.ClusterIP}
	}
	if svc.Spec.Type == core.ServiceTypeExternalName {
		return nil
	}
	if svc.Spec.ClusterIP == "" {
		svc.Spec.ClusterIP = "10.96.0.100"
		svc.Spec.ClusterIPs = []string{svc.Spec.ClusterIP}
	}
	if svc.Spec.IPFamilyPolicy == nil {
		single := core.IPFamilyPolicySingleStack
		svc.Spec.IPFamilyPolicy = &single
	}
	if len(svc.Spec.IPFamilies) == 0 {
		svc.Spec.IPFamilies = []core.IPFamily{core.IPv4Protocol}
	}
	external := svc.Spec.Type == core.ServiceTypeNodePort || svc.Spec.Type == core.ServiceTypeLoadBalancer
	for i := range svc.Spec.Ports {
		port := &svc.Spec.Ports[i]
		switch {
		case !external:
		case port.NodePort == 0:
			port.NodePort = int32(30000 + i)
		case port.NodePort < 30000 || port.NodePort > 32767:
			errs = append(errs, field.Invalid(field.NewPath("spec", "ports").Index(i).Child("nodePort"), port.NodePort, "provided port is not in the valid range. The range of valid ports is 30000-32767"))
		}
	}
	if svc.Spec.Type == core.ServiceTypeLoadBalancer && svc.Spec.ExternalTrafficPolicy == core.ServiceExternalTrafficPolicyLocal && svc.Spec.HealthCheckNodePort == 0 {
		svc.Spec.HealthCheckNodePort = 32000
	}
	return errs
}

// generateSelector is pkg/registry/batch/job's (unexported there).
func generateSelector(job *batch.Job) {
	if job.Spec.Template.Labels == nil {
		job.Spec.Template.Labels = map[string]string{}
	}
	for _, key := range []string{batch.LegacyJobNameLabel, batch.JobNameLabel} {
		if _, found := job.Spec.Template.Labels[key]; !found {
			job.Spec.Template.Labels[key] = job.Name
		}
	}
	for _, key := range []string{batch.LegacyControllerUidLabel, batch.ControllerUidLabel} {
		if _, found := job.Spec.Template.Labels[key]; !found {
			job.Spec.Template.Labels[key] = string(job.UID)
		}
	}
	if job.Spec.Selector == nil {
		job.Spec.Selector = &metav1.LabelSelector{}
	}
	if job.Spec.Selector.MatchLabels == nil {
		job.Spec.Selector.MatchLabels = map[string]string{}
	}
	if _, found := job.Spec.Selector.MatchLabels[batch.ControllerUidLabel]; !found {
		job.Spec.Selector.MatchLabels[batch.ControllerUidLabel] = string(job.UID)
	}
}

// validate is each kind's registry strategy Validate for a create.
func validate(obj runtime.Object) field.ErrorList {
	switch o := obj.(type) {
	case *core.Pod:
		opts := podutil.GetValidationOptionsFromPodSpecAndMeta(&o.Spec, nil, &o.ObjectMeta, nil)
		opts.ResourceIsPod = true
		return corevalidation.ValidatePodCreate(o, opts)
	case *apps.Deployment:
		return appsvalidation.ValidateDeployment(o, podutil.GetValidationOptionsFromPodTemplate(&o.Spec.Template, nil))
	case *apps.StatefulSet:
		setOpts := appsvalidation.StatefulSetValidationOptions{AllowInvalidServiceName: false}
		return appsvalidation.ValidateStatefulSet(o, setOpts, podutil.GetValidationOptionsFromPodTemplate(&o.Spec.Template, nil))
	case *apps.DaemonSet:
		return appsvalidation.ValidateDaemonSet(o, podutil.GetValidationOptionsFromPodTemplate(&o.Spec.Template, nil))
	case *batch.Job:
		opts := batchvalidation.JobValidationOptions{
			PodValidationOptions:  podutil.GetValidationOptionsFromPodTemplate(&o.Spec.Template, nil),
			RequirePrefixedLabels: true,
		}
		return batchvalidation.ValidateJobCreate(o, opts)
	case *batch.CronJob:
		return batchvalidation.ValidateCronJobCreate(o, podutil.GetValidationOptionsFromPodTemplate(&o.Spec.JobTemplate.Spec.Template, nil))
	case *core.Service:
		return corevalidation.ValidateServiceCreate(o)
	case *networking.NetworkPolicy:
		return networkingvalidation.ValidateNetworkPolicy(o, networkingvalidation.ValidationOptionsForNetworking(o, nil))
	}
	return field.ErrorList{field.NotSupported(field.NewPath("kind"), obj.GetObjectKind().GroupVersionKind().Kind, []string{"Pod", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Service", "NetworkPolicy"})}
}
