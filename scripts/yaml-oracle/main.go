// Command yaml-oracle prints the objects `kubectl annotate --local -f DIR probe=x -o json` would
// print, for machines without kubectl: it reads YAML and JSON with sigs.k8s.io/yaml (the library
// kubectl uses), splits documents and flattens `items` as kubectl's resource builder does, and
// names each refused file on stderr as "error parsing FILE: REASON".
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"sigs.k8s.io/yaml"
)

func main() {
	dir, failed := os.Args[1], false
	names, _ := filepath.Glob(filepath.Join(dir, "*"))
	sort.Strings(names)
	for _, name := range names {
		if ext := filepath.Ext(name); ext != ".yaml" && ext != ".yml" && ext != ".json" {
			continue
		}
		if err := printFile(name); err != nil {
			fmt.Fprintf(os.Stderr, "error parsing %s: %v\n", name, err)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}

func printFile(name string) error {
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // as kubectl, a BOM is not content
	documents, err := splitDocuments(data)
	isJSON := bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("{"))
	var itemErr error // kubectl reports a bad item after visiting the rest of the file
	for _, document := range documents {
		bad, stop := printDocument(document, isJSON)
		if stop != nil {
			return stop
		}
		if itemErr == nil {
			itemErr = bad
		}
	}
	if err != nil {
		return err
	}
	return itemErr
}

// splitDocuments splits as apimachinery's YAMLReader does; a JSON stream is one document per value.
func splitDocuments(data []byte) ([][]byte, error) {
	if bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("{")) {
		var documents [][]byte
		decoder := json.NewDecoder(bytes.NewReader(data))
		for decoder.More() {
			var raw json.RawMessage
			if err := decoder.Decode(&raw); err != nil {
				return documents, err
			}
			documents = append(documents, raw)
		}
		return documents, nil
	}
	var documents [][]byte
	var buffer bytes.Buffer
	reader := bufio.NewReader(bytes.NewReader(data))
	for {
		line, readErr := reader.ReadBytes('\n')
		if bytes.HasPrefix(line, []byte("---")) {
			if rest := strings.TrimSpace(string(line[3:])); rest != "" && rest[0] != '#' {
				return documents, fmt.Errorf("invalid Yaml document separator: %s", rest)
			}
			if buffer.Len() != 0 {
				documents = append(documents, append([]byte(nil), buffer.Bytes()...))
				buffer.Reset()
			} else {
				buffer.Write(line) // kept when nothing came before it: go-yaml sees it
			}
		} else {
			buffer.Write(line)
		}
		if readErr != nil {
			break
		}
	}
	if buffer.Len() != 0 {
		documents = append(documents, buffer.Bytes())
	}
	return documents, nil
}

// printDocument returns an error that stops the file (YAML kubectl cannot convert to JSON), or
// one about an object or item that kubectl reports after reading the rest of the file.
func printDocument(document []byte, isJSON bool) (itemErr error, stop error) {
	text := document
	if isJSON {
		// a JSON stream is read by encoding/json, into float64 numbers
		var value interface{}
		if err := json.Unmarshal(document, &value); err != nil {
			return err, nil // kubectl names it and reads the rest of the stream
		}
	} else {
		converted, err := yaml.YAMLToJSON(document)
		if err != nil {
			return nil, fmt.Errorf("error converting YAML to JSON: %v", err)
		}
		text = converted
	}
	if string(bytes.TrimSpace(text)) == "null" {
		return nil, nil
	}
	var object map[string]interface{}
	decoder := json.NewDecoder(bytes.NewReader(text))
	decoder.UseNumber()
	if err := decoder.Decode(&object); err != nil {
		return err, nil
	}
	// kubectl decodes each document's metadata into a typed ObjectMeta (metadataOnlyObject)
	var typed metadataOnly
	if err := json.Unmarshal(text, &typed); err != nil {
		return err, nil
	}
	items, isList := object["items"].([]interface{})
	if !isList {
		if object["items"] != nil {
			return fmt.Errorf("items: not a list"), nil
		}
		return printObject(object), nil
	}
	for _, item := range items {
		child, _ := item.(map[string]interface{})
		if child == nil {
			return fmt.Errorf("items: an item is not an object"), nil
		}
		if child["kind"] == nil && child["apiVersion"] == nil {
			child["kind"] = strings.TrimSuffix(fmt.Sprint(object["kind"]), "List")
			child["apiVersion"] = object["apiVersion"]
		}
		if err := printObject(child); err != nil && itemErr == nil {
			itemErr = err
		}
	}
	return itemErr, nil
}

type metadataOnly struct {
	Metadata *objectMeta `json:"metadata"`
}

// objectMeta has the JSON types of k8s.io/apimachinery's ObjectMeta.
type objectMeta struct {
	Name                       string                   `json:"name"`
	GenerateName               string                   `json:"generateName"`
	Namespace                  string                   `json:"namespace"`
	SelfLink                   string                   `json:"selfLink"`
	UID                        string                   `json:"uid"`
	ResourceVersion            string                   `json:"resourceVersion"`
	Generation                 int64                    `json:"generation"`
	CreationTimestamp          *rfc3339                 `json:"creationTimestamp"`
	DeletionTimestamp          *rfc3339                 `json:"deletionTimestamp"`
	DeletionGracePeriodSeconds *int64                   `json:"deletionGracePeriodSeconds"`
	Labels                     map[string]string        `json:"labels"`
	Annotations                map[string]string        `json:"annotations"`
	OwnerReferences            []ownerReference         `json:"ownerReferences"`
	Finalizers                 []string                 `json:"finalizers"`
	ManagedFields              []map[string]interface{} `json:"managedFields"`
}

type ownerReference struct {
	APIVersion         string `json:"apiVersion"`
	Kind               string `json:"kind"`
	Name               string `json:"name"`
	UID                string `json:"uid"`
	Controller         *bool  `json:"controller"`
	BlockOwnerDeletion *bool  `json:"blockOwnerDeletion"`
}

// rfc3339 parses as metav1.Time does.
type rfc3339 struct{}

func (t *rfc3339) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		return nil
	}
	var text string
	if err := json.Unmarshal(data, &text); err != nil {
		return err
	}
	_, err := time.Parse(time.RFC3339, text)
	return err
}

func printObject(object map[string]interface{}) error {
	if s, _ := object["kind"].(string); s == "" {
		return fmt.Errorf("Object 'Kind' is missing")
	}
	if s, _ := object["apiVersion"].(string); s == "" {
		return fmt.Errorf("Object 'apiVersion' is missing")
	}
	metadata, _ := object["metadata"].(map[string]interface{})
	if metadata == nil {
		metadata = map[string]interface{}{}
		object["metadata"] = metadata
	}
	annotations, _ := metadata["annotations"].(map[string]interface{})
	if annotations == nil {
		annotations = map[string]interface{}{}
		metadata["annotations"] = annotations
	}
	annotations["probe"] = "x"
	text, err := json.MarshalIndent(object, "", "    ")
	if err != nil {
		return err
	}
	fmt.Println(string(text))
	return nil
}
