package main

import (
	"encoding/json"
	"strings"

	dockerref "github.com/distribution/reference"
	v1 "k8s.io/api/core/v1"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	"k8s.io/kubernetes/pkg/util/parsers"
)

// imageAnswer is what the cluster makes of one image string, for the image differential test
// (packages/rules/src/workload/image-pinned/image-differential.test.ts). A request
// {"image": "<reference>"} gets it.
type imageAnswer struct {
	Image string `json:"image"`
	// Valid is whether the kubelet's image manager parses the reference (applyDefaultImageTag,
	// pkg/util/parsers.ParseImageName, i.e. reference.ParseNormalizedNamed); when it does not, the
	// container waits with reason InvalidImageName.
	Valid bool   `json:"valid"`
	Error string `json:"error,omitempty"`
	// Part is the part of an invalid reference that the parser refuses on its own: "name"
	// (repository with its registry host), "tag" or "digest", split where a reference splits
	// (the first "@" starts the digest, a ":" after the last "/" of the rest starts the tag);
	// "reference" when every part parses alone.
	Part string `json:"part,omitempty"`
	// Name is the normalized repository (docker.io/library/redis for redis).
	Name string `json:"name,omitempty"`
	// Tag and Digest are ParseImageName's: Tag is "latest" when the reference names neither.
	Tag    string `json:"tag,omitempty"`
	Digest string `json:"digest,omitempty"`
	// NameOnly: the reference names neither a tag nor a digest, so the kubelet pulls :latest.
	NameOnly bool `json:"nameOnly,omitempty"`
	// Pulled is the reference the kubelet hands the container runtime.
	Pulled string `json:"pulled,omitempty"`
	// PullPolicy and VolumePullPolicy are the API server's defaults for a container with this
	// image and an image volume with this reference (SetDefaults_Container, SetDefaults_Volume).
	PullPolicy       string `json:"pullPolicy"`
	VolumePullPolicy string `json:"volumePullPolicy"`
	// PodErrors and TemplateErrors are the API server's create validation of a Pod, and of a
	// Deployment's pod template, whose container uses this image and whose image volume this
	// reference.
	PodErrors      []fieldError `json:"podErrors,omitempty"`
	TemplateErrors []fieldError `json:"templateErrors,omitempty"`
}

func judgeImage(image string) imageAnswer {
	ans := imageAnswer{Image: image}
	if _, tag, digest, err := parsers.ParseImageName(image); err != nil {
		ans.Error = err.Error()
		ans.Part = refusedPart(image)
	} else {
		named, _ := dockerref.ParseNormalizedNamed(image)
		_, tagged := named.(dockerref.Tagged)
		_, digested := named.(dockerref.Digested)
		ans.Valid, ans.Name, ans.Tag, ans.Digest = true, named.Name(), tag, digest
		ans.NameOnly = !tagged && !digested
		ans.Pulled = image
		// pkg/kubelet/images applyDefaultImageTag (unexported there).
		if digest == "" && tag != "" && !strings.HasSuffix(image, ":"+tag) {
			ans.Pulled = image + ":" + tag
		}
	}
	pod := &v1.Pod{Spec: v1.PodSpec{
		Containers: []v1.Container{{Name: "c", Image: image}},
		Volumes: []v1.Volume{{Name: "v", VolumeSource: v1.VolumeSource{
			Image: &v1.ImageVolumeSource{Reference: image},
		}}},
	}}
	legacyscheme.Scheme.Default(pod)
	ans.PullPolicy = string(pod.Spec.Containers[0].ImagePullPolicy)
	ans.VolumePullPolicy = string(pod.Spec.Volumes[0].Image.PullPolicy)
	ans.PodErrors = judge(podJSON(image)).Errors
	ans.TemplateErrors = judge(deploymentJSON(image)).Errors
	return ans
}

// refusedPart names the first part of a reference the parser refuses on its own.
func refusedPart(image string) string {
	named, digest, hasDigest := strings.Cut(image, "@")
	name, tag, hasTag := named, "", false
	if colon := strings.Index(named[strings.LastIndex(named, "/")+1:], ":"); colon >= 0 {
		at := strings.LastIndex(named, "/") + 1 + colon
		name, tag, hasTag = named[:at], named[at+1:], true
	}
	parses := func(s string) bool { _, err := dockerref.ParseNormalizedNamed(s); return err == nil }
	// A bare 64-hex name reads as an image ID, refused only when nothing follows it: the name is
	// judged with a tag behind it, and the whole image for that check.
	_, whole := dockerref.ParseNormalizedNamed(image)
	switch {
	case whole != nil && strings.Contains(whole.Error(), "64-byte hexadecimal"):
		return "name"
	case !parses(name + ":x"):
		return "name"
	case hasTag && !parses("x:"+tag):
		return "tag"
	case hasDigest && !parses("x@"+digest):
		return "digest"
	}
	return "reference"
}

func podSpec(image string) map[string]any {
	return map[string]any{
		"containers": []any{map[string]any{"name": "c", "image": image}},
		"volumes":    []any{map[string]any{"name": "v", "image": map[string]any{"reference": image}}},
	}
}

func podJSON(image string) []byte {
	raw, _ := json.Marshal(map[string]any{
		"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "p"}, "spec": podSpec(image),
	})
	return raw
}

func deploymentJSON(image string) []byte {
	labels := map[string]any{"app": "a"}
	raw, _ := json.Marshal(map[string]any{
		"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "d"},
		"spec": map[string]any{
			"selector": map[string]any{"matchLabels": labels},
			"template": map[string]any{"metadata": map[string]any{"labels": labels}, "spec": podSpec(image)},
		},
	})
	return raw
}
