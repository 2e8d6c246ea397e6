// Command secret-oracle tells what the API server stores for a Secret or ConfigMap, for the
// secrets differential test (packages/rules/src/secrets/differential.test.ts). It reads one
// request a line on stdin, {"object": "<the object's JSON text>"}, and answers one JSON line
// each: the stored bytes per key (hex), or why the API server refuses the object.
//
// It decodes as the API server's JSON codec does (sigs.k8s.io/json: case-sensitive, strict
// errors for unknown and duplicate fields, which kubectl's default --validate=strict turns into
// a refusal; `data` values through encoding/json's []byte rules, base64.StdEncoding), converts
// to the internal type with the API server's own conversion (k8s.io/kubernetes
// pkg/apis/core/v1: `stringData` written over `data` key by key) and validates with its own
// ValidateSecret / ValidateConfigMap (pkg/apis/core/validation: key names, the 1 MiB total, the
// keys each Secret type requires, metadata).
package main

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/kubernetes/pkg/apis/core"
	internalv1 "k8s.io/kubernetes/pkg/apis/core/v1"
	corevalidation "k8s.io/kubernetes/pkg/apis/core/validation"
	kjson "sigs.k8s.io/json"
)

type request struct {
	Object   string   `json:"object"`
	EnvNames []string `json:"envNames,omitempty"`
}

type envName struct {
	Strict  bool `json:"strict"`
	Relaxed bool `json:"relaxed"`
}

type answer struct {
	Kind string `json:"kind,omitempty"`
	Type string `json:"type,omitempty"`
	// Refused: why the API server refuses the object; the fields below are then empty.
	Refused string `json:"refused,omitempty"`
	// Stored bytes per key, hex: a Secret's data (after stringData), a ConfigMap's data.
	Data map[string]string `json:"data,omitempty"`
	// A ConfigMap's binaryData, hex.
	BinaryData map[string]string `json:"binaryData,omitempty"`
	// For each asked name: IsEnvVarName (strict) and IsRelaxedEnvVarName.
	EnvNames map[string]envName `json:"envNames,omitempty"`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 0, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		var req request
		var ans answer
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			ans.Refused = "bad request: " + err.Error()
		} else {
			ans = judge([]byte(req.Object))
			ans.EnvNames = envNames(req.EnvNames)
		}
		line, _ := json.Marshal(ans)
		out.Write(append(line, '\n'))
		out.Flush()
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "secret-oracle:", err)
		os.Exit(1)
	}
}

func judge(raw []byte) answer {
	var head struct {
		Kind string `json:"kind"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return answer{Refused: "decode: " + err.Error()}
	}
	switch head.Kind {
	case "Secret":
		return secret(raw)
	case "ConfigMap":
		return configMap(raw)
	}
	return answer{Kind: head.Kind, Refused: "not a Secret or ConfigMap"}
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

func secret(raw []byte) answer {
	var object corev1.Secret
	if reason := decode(raw, &object); reason != "" {
		return answer{Kind: "Secret", Refused: reason}
	}
	internalv1.SetObjectDefaults_Secret(&object) // type: Opaque when unset
	var internal core.Secret
	if err := internalv1.Convert_v1_Secret_To_core_Secret(&object, &internal, nil); err != nil {
		return answer{Kind: "Secret", Refused: "convert: " + err.Error()}
	}
	if errs := corevalidation.ValidateSecret(&internal); len(errs) > 0 {
		return answer{Kind: "Secret", Refused: errs.ToAggregate().Error()}
	}
	return answer{Kind: "Secret", Type: string(internal.Type), Data: hexOf(internal.Data)}
}

func configMap(raw []byte) answer {
	var object corev1.ConfigMap
	if reason := decode(raw, &object); reason != "" {
		return answer{Kind: "ConfigMap", Refused: reason}
	}
	internalv1.SetObjectDefaults_ConfigMap(&object)
	var internal core.ConfigMap
	if err := internalv1.Convert_v1_ConfigMap_To_core_ConfigMap(&object, &internal, nil); err != nil {
		return answer{Kind: "ConfigMap", Refused: "convert: " + err.Error()}
	}
	if errs := corevalidation.ValidateConfigMap(&internal); len(errs) > 0 {
		return answer{Kind: "ConfigMap", Refused: errs.ToAggregate().Error()}
	}
	data := map[string][]byte{}
	for key, value := range internal.Data {
		data[key] = []byte(value)
	}
	return answer{Kind: "ConfigMap", Data: hexOf(data), BinaryData: hexOf(internal.BinaryData)}
}

func hexOf(data map[string][]byte) map[string]string {
	if len(data) == 0 {
		return nil
	}
	out := make(map[string]string, len(data))
	for key, value := range data {
		out[key] = hex.EncodeToString(value)
	}
	return out
}

func envNames(names []string) map[string]envName {
	if len(names) == 0 {
		return nil
	}
	out := make(map[string]envName, len(names))
	for _, name := range names {
		out[name] = envName{
			Strict:  len(validation.IsEnvVarName(name)) == 0,
			Relaxed: len(validation.IsRelaxedEnvVarName(name)) == 0,
		}
	}
	return out
}
