// Command merge-oracle merges Kubernetes objects with the real strategic merge patch
// (k8s.io/apimachinery/pkg/util/strategicpatch), the function Tekton's controller merges each
// step over its stepTemplate with (corev1.Container) and Argo's lays a podSpecPatch over the pod
// it built (corev1.PodSpec), for the differential test of core's pod sources
// (packages/core/src/pod-merge-differential.test.ts). It reads a stream of JSON cases on stdin,
//
//	{"id": "c1", "kind": "Container", "base": {...}, "patches": [{...}, ...]}
//
// and prints one JSON line per case, in order: {"id": "c1", "merged": {...}}, the base with each
// patch laid over it in turn and decoded as the kind (as the controllers decode the result), or
// {"id": "c1", "error": "..."}.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
)

type mergeCase struct {
	ID      string            `json:"id"`
	Kind    string            `json:"kind"`
	Base    json.RawMessage   `json:"base"`
	Patches []json.RawMessage `json:"patches"`
}

type answer struct {
	ID     string          `json:"id"`
	Error  string          `json:"error,omitempty"`
	Merged json.RawMessage `json:"merged,omitempty"`
}

func main() {
	decoder := json.NewDecoder(bufio.NewReader(os.Stdin))
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	encoder := json.NewEncoder(out)
	for {
		var c mergeCase
		if err := decoder.Decode(&c); err == io.EOF {
			return
		} else if err != nil {
			fmt.Fprintln(os.Stderr, "merge-oracle:", err)
			os.Exit(2)
		}
		merged, err := merge(c)
		result := answer{ID: c.ID, Merged: merged}
		if err != nil {
			result = answer{ID: c.ID, Error: err.Error()}
		}
		if err := encoder.Encode(result); err != nil {
			fmt.Fprintln(os.Stderr, "merge-oracle:", err)
			os.Exit(2)
		}
	}
}

func merge(c mergeCase) (json.RawMessage, error) {
	var schema, decoded any
	switch c.Kind {
	case "Container":
		schema, decoded = corev1.Container{}, &corev1.Container{}
	case "PodSpec":
		schema, decoded = corev1.PodSpec{}, &corev1.PodSpec{}
	default:
		return nil, fmt.Errorf("unknown kind %q", c.Kind)
	}
	current := []byte(c.Base)
	for _, patch := range c.Patches {
		next, err := strategicpatch.StrategicMergePatch(current, patch, schema)
		if err != nil {
			return nil, err
		}
		current = next
	}
	if err := json.Unmarshal(current, decoded); err != nil {
		return nil, err
	}
	return json.Marshal(decoded)
}
