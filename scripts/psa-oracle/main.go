// Command psa-oracle judges pods with the real Pod Security admission checks
// (k8s.io/pod-security-admission/policy), for the differential test of the pod rules
// (packages/cli/src/psa-differential.test.ts). It reads a stream of JSON cases on stdin,
//
//	{"id": "c1", "version": "1.36", "meta": {ObjectMeta}, "spec": {PodSpec}}
//
// and prints one JSON line per case, in order:
//
//	{"id": "c1", "restricted": {"runAsNonRoot": "reason: detail"}, "baseline": {...}, "allowed": {...}}
//
// naming every check that forbids the pod at each level (restricted includes the baseline
// checks it does not override, as the admission plugin evaluates them). "allowed" is what the
// whole evaluator answers for the level, a cross-check of the per-check split. A case that does
// not decode is a line with "error" naming it.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

type podCase struct {
	ID      string            `json:"id"`
	Version string            `json:"version"`
	Meta    metav1.ObjectMeta `json:"meta"`
	Spec    corev1.PodSpec    `json:"spec"`
}

type verdict struct {
	ID         string            `json:"id"`
	Error      string            `json:"error,omitempty"`
	Restricted map[string]string `json:"restricted"`
	Baseline   map[string]string `json:"baseline"`
	Allowed    map[string]bool   `json:"allowed"`
}

func main() {
	checks := policy.DefaultChecks()
	evaluator, err := policy.NewEvaluator(checks, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "psa-oracle:", err)
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
			fmt.Fprintln(os.Stderr, "psa-oracle: bad JSON on stdin:", err)
			os.Exit(2)
		}
		_ = encoder.Encode(judge(raw, checks, evaluator))
	}
}

func judge(raw json.RawMessage, checks []policy.Check, evaluator policy.Evaluator) verdict {
	var c podCase
	// A field the Go types do not know is a generator mistake, never silently dropped.
	strict := json.NewDecoder(bytes.NewReader(raw))
	strict.DisallowUnknownFields()
	if err := strict.Decode(&c); err != nil {
		var id struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(raw, &id)
		return verdict{ID: id.ID, Error: err.Error()}
	}
	version, err := api.ParseVersion("v" + strings.TrimPrefix(c.Version, "v"))
	if err != nil {
		return verdict{ID: c.ID, Error: err.Error()}
	}
	v := verdict{
		ID:         c.ID,
		Restricted: failing(checks, api.LevelRestricted, version, &c.Meta, &c.Spec),
		Baseline:   failing(checks, api.LevelBaseline, version, &c.Meta, &c.Spec),
		Allowed:    map[string]bool{},
	}
	for _, level := range []api.Level{api.LevelRestricted, api.LevelBaseline} {
		results := evaluator.EvaluatePod(api.LevelVersion{Level: level, Version: version}, &c.Meta, &c.Spec)
		v.Allowed[string(level)] = policy.AggregateCheckResults(results).Allowed
	}
	return v
}

// failing runs each check active at the level and version, as the evaluator does: the newest
// revision whose MinimumVersion is not newer than the version, and at restricted the baseline
// checks that no active restricted check overrides.
func failing(checks []policy.Check, level api.Level, version api.Version, meta *metav1.ObjectMeta, spec *corev1.PodSpec) map[string]string {
	active := map[policy.CheckID]policy.VersionedCheck{}
	overridden := map[policy.CheckID]bool{}
	for _, check := range checks {
		if level == api.LevelBaseline && check.Level != api.LevelBaseline {
			continue
		}
		revision, ok := revisionAt(check, version)
		if !ok {
			continue
		}
		active[check.ID] = revision
		if check.Level == api.LevelRestricted {
			for _, id := range revision.OverrideCheckIDs {
				overridden[id] = true
			}
		}
	}
	result := map[string]string{}
	for id, revision := range active {
		if overridden[id] {
			continue
		}
		if r := revision.CheckPod(meta, spec); !r.Allowed {
			result[string(id)] = r.ForbiddenReason + ": " + r.ForbiddenDetail
		}
	}
	return result
}

func revisionAt(check policy.Check, version api.Version) (policy.VersionedCheck, bool) {
	var found policy.VersionedCheck
	ok := false
	for _, revision := range check.Versions {
		if version.Older(revision.MinimumVersion) {
			break
		}
		found, ok = revision, true
	}
	return found, ok
}
