// Command rbac-oracle answers RBAC questions with the Kubernetes code itself, at v1.37.2: the API
// server's defaulting and validation of RBAC objects (k8s.io/kubernetes/pkg/apis/rbac), its
// bootstrap ClusterRoles (plugin/pkg/auth/authorizer/rbac/bootstrappolicy) reconciled into the
// input's ones as the API server does at start (k8s.io/component-helpers/auth/rbac/reconciliation),
// the aggregation the clusterrole-aggregation controller performs, and the RBAC authorizer
// (plugin/pkg/auth/authorizer/rbac).
//
// It reads one JSON document on stdin: {"cases": [{"objects": [...], "bootstrap": true,
// "questions": [...], "rules": [...], "ruleQuestions": [...]}]} and writes one JSON document on
// stdout: {"bootstrapRoles": [...], "cases": [{"refused": [...], "answers": [...],
// "ruleAnswers": [...]}]}. A question names a user, its groups and a request (namespace, verb,
// apiGroup, resource, subresource, name, or a non-resource path); the answer is whether the
// authorizer allows it. A rule question asks whether one PolicyRule alone allows a request
// (RuleAllows, the match the authorizer applies to each rule).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"
	rbaclisters "k8s.io/client-go/listers/rbac/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/component-helpers/auth/rbac/reconciliation"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	rbacinternal "k8s.io/kubernetes/pkg/apis/rbac"
	_ "k8s.io/kubernetes/pkg/apis/rbac/install"
	rbacvalidation "k8s.io/kubernetes/pkg/apis/rbac/validation"
	"k8s.io/kubernetes/plugin/pkg/auth/authorizer/rbac"
	"k8s.io/kubernetes/plugin/pkg/auth/authorizer/rbac/bootstrappolicy"
)

type request struct {
	User        string   `json:"user"`
	Groups      []string `json:"groups"`
	Namespace   string   `json:"namespace"`
	Verb        string   `json:"verb"`
	APIGroup    string   `json:"apiGroup"`
	Resource    string   `json:"resource"`
	Subresource string   `json:"subresource"`
	Name        string   `json:"name"`
	Path        string   `json:"path"`
	Rule        int      `json:"rule"`
}

type inputCase struct {
	Objects       []json.RawMessage   `json:"objects"`
	Bootstrap     bool                `json:"bootstrap"`
	Questions     []request           `json:"questions"`
	Rules         []rbacv1.PolicyRule `json:"rules"`
	RuleQuestions []request           `json:"ruleQuestions"`
}

type refusal struct {
	Index  int    `json:"index"`
	Reason string `json:"reason"`
}

type outputCase struct {
	Refused     []refusal `json:"refused"`
	Answers     []bool    `json:"answers"`
	RuleAnswers []bool    `json:"ruleAnswers"`
}

type builtIn struct {
	Name       string            `json:"name"`
	Labels     map[string]string `json:"labels"`
	Aggregated bool              `json:"aggregated"`
}

func main() {
	var input struct {
		Cases []inputCase `json:"cases"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&input); err != nil {
		fmt.Fprintf(os.Stderr, "rbac-oracle: stdin is not the expected JSON: %v\n", err)
		os.Exit(2)
	}
	output := struct {
		BootstrapRoles []builtIn    `json:"bootstrapRoles"`
		Cases          []outputCase `json:"cases"`
	}{Cases: []outputCase{}}
	for _, role := range bootstrapClusterRoles() {
		output.BootstrapRoles = append(output.BootstrapRoles, builtIn{role.Name, role.Labels, role.AggregationRule != nil})
	}
	for _, c := range input.Cases {
		output.Cases = append(output.Cases, answer(c))
	}
	if err := json.NewEncoder(os.Stdout).Encode(output); err != nil {
		fmt.Fprintf(os.Stderr, "rbac-oracle: %v\n", err)
		os.Exit(1)
	}
}

func bootstrapClusterRoles() []rbacv1.ClusterRole {
	return append(bootstrappolicy.ClusterRoles(), bootstrappolicy.ControllerRoles()...)
}

// aggregatedBootstrap is the built-in ClusterRoles as a new cluster has them, aggregation done:
// computed once, copied into each case.
var aggregatedBootstrap = func() map[string]*rbacv1.ClusterRole {
	roles := map[string]*rbacv1.ClusterRole{}
	for _, role := range bootstrapClusterRoles() {
		roles[role.Name] = role.DeepCopy()
	}
	aggregate(roles)
	return roles
}()

type cluster struct {
	roles               []*rbacv1.Role
	clusterRoles        map[string]*rbacv1.ClusterRole
	roleBindings        []*rbacv1.RoleBinding
	clusterRoleBindings []*rbacv1.ClusterRoleBinding
	addedClusterRoles   bool
}

func answer(c inputCase) outputCase {
	out := outputCase{Refused: []refusal{}, Answers: []bool{}, RuleAnswers: []bool{}}
	state := cluster{clusterRoles: map[string]*rbacv1.ClusterRole{}}
	for index, raw := range c.Objects {
		if reason := state.admit(raw); reason != "" {
			out.Refused = append(out.Refused, refusal{index, reason})
		}
	}
	switch {
	case c.Bootstrap && !state.addedClusterRoles:
		// Nothing of the input's to reconcile or aggregate: the new cluster's roles as they are.
		for name, role := range aggregatedBootstrap {
			state.clusterRoles[name] = role.DeepCopy()
		}
	case c.Bootstrap:
		reconcileBootstrap(state.clusterRoles)
		aggregate(state.clusterRoles)
	default:
		aggregate(state.clusterRoles)
	}
	authz := state.authorizer()
	for _, q := range c.Questions {
		decision, _, _ := authz.Authorize(context.Background(), attributes(q))
		out.Answers = append(out.Answers, decision == authorizer.DecisionAllow)
	}
	for _, q := range c.RuleQuestions {
		out.RuleAnswers = append(out.RuleAnswers, rbac.RuleAllows(attributes(q), &c.Rules[q.Rule]))
	}
	return out
}

func attributes(q request) authorizer.AttributesRecord {
	return authorizer.AttributesRecord{
		User:            &user.DefaultInfo{Name: q.User, Groups: q.Groups},
		Verb:            q.Verb,
		Namespace:       q.Namespace,
		APIGroup:        q.APIGroup,
		Resource:        q.Resource,
		Subresource:     q.Subresource,
		Name:            q.Name,
		ResourceRequest: q.Path == "",
		Path:            q.Path,
	}
}

// admit stores the object as the API server would after defaulting and validating it; it
// returns why the API server refuses it, or "" when it accepts it.
func (s *cluster) admit(raw json.RawMessage) string {
	var meta metav1.TypeMeta
	if err := json.Unmarshal(raw, &meta); err != nil {
		return err.Error()
	}
	switch meta.Kind {
	case "Role":
		role := &rbacv1.Role{}
		if reason := decode(raw, role, &rbacinternal.Role{}, func(o runtime.Object) []string {
			return errs(rbacvalidation.ValidateRole(o.(*rbacinternal.Role)).ToAggregate())
		}); reason != "" {
			return reason
		}
		s.roles = append(s.roles, role)
	case "ClusterRole":
		role := &rbacv1.ClusterRole{}
		opts := rbacvalidation.ClusterRoleValidationOptions{AllowInvalidLabelValueInSelector: false}
		if reason := decode(raw, role, &rbacinternal.ClusterRole{}, func(o runtime.Object) []string {
			return errs(rbacvalidation.ValidateClusterRole(o.(*rbacinternal.ClusterRole), opts).ToAggregate())
		}); reason != "" {
			return reason
		}
		s.putClusterRole(role)
	case "RoleBinding":
		binding := &rbacv1.RoleBinding{}
		if reason := decode(raw, binding, &rbacinternal.RoleBinding{}, func(o runtime.Object) []string {
			return errs(rbacvalidation.ValidateRoleBinding(o.(*rbacinternal.RoleBinding)).ToAggregate())
		}); reason != "" {
			return reason
		}
		s.roleBindings = append(s.roleBindings, binding)
	case "ClusterRoleBinding":
		binding := &rbacv1.ClusterRoleBinding{}
		if reason := decode(raw, binding, &rbacinternal.ClusterRoleBinding{}, func(o runtime.Object) []string {
			return errs(rbacvalidation.ValidateClusterRoleBinding(o.(*rbacinternal.ClusterRoleBinding)).ToAggregate())
		}); reason != "" {
			return reason
		}
		s.clusterRoleBindings = append(s.clusterRoleBindings, binding)
	default:
		return fmt.Sprintf("kind %q is not an RBAC kind", meta.Kind)
	}
	return ""
}

func errs(err error) []string {
	if err == nil {
		return nil
	}
	return []string{err.Error()}
}

func decode(raw json.RawMessage, into runtime.Object, internal runtime.Object, validate func(runtime.Object) []string) string {
	if err := json.Unmarshal(raw, into); err != nil {
		return err.Error()
	}
	legacyscheme.Scheme.Default(into)
	if err := legacyscheme.Scheme.Convert(into, internal, nil); err != nil {
		return err.Error()
	}
	if problems := validate(internal); len(problems) > 0 {
		return problems[0]
	}
	return ""
}

func (s *cluster) putClusterRole(role *rbacv1.ClusterRole) {
	s.clusterRoles[role.Name] = role
	s.addedClusterRoles = true
}

// reconcileBootstrap does what the API server does at each start (ensureRBACPolicy): each
// bootstrap ClusterRole is reconciled into the stored one with the component-helpers
// reconciliation (missing rules, labels, annotations and selectors added back; a role annotated
// autoupdate "false" left alone), or created where none is stored.
func reconcileBootstrap(roles map[string]*rbacv1.ClusterRole) {
	store := memoryClusterRoles(roles)
	for _, role := range bootstrapClusterRoles() {
		options := reconciliation.ReconcileRoleOptions{
			Role:    reconciliation.ClusterRoleRuleOwner{ClusterRole: role.DeepCopy()},
			Client:  store,
			Confirm: true,
		}
		if _, err := options.Run(); err != nil {
			fmt.Fprintf(os.Stderr, "rbac-oracle: reconciling %s: %v\n", role.Name, err)
			os.Exit(1)
		}
	}
}

// memoryClusterRoles is the ClusterRole store the reconciliation reads and writes.
type memoryClusterRoles map[string]*rbacv1.ClusterRole

func (m memoryClusterRoles) Get(_, name string) (reconciliation.RuleOwner, error) {
	role, ok := m[name]
	if !ok {
		return nil, apierrors.NewNotFound(rbacv1.Resource("clusterroles"), name)
	}
	return reconciliation.ClusterRoleRuleOwner{ClusterRole: role.DeepCopy()}, nil
}

func (m memoryClusterRoles) Create(in reconciliation.RuleOwner) (reconciliation.RuleOwner, error) {
	role := in.GetObject().(*rbacv1.ClusterRole)
	m[role.Name] = role
	return in, nil
}

func (m memoryClusterRoles) Update(in reconciliation.RuleOwner) (reconciliation.RuleOwner, error) {
	return m.Create(in)
}

// aggregate does what the clusterrole-aggregation controller does until nothing changes: an
// aggregated ClusterRole's rules become the union, in name order, of the rules of the other
// ClusterRoles its selectors match, without repeats; its own rules are replaced.
func aggregate(roles map[string]*rbacv1.ClusterRole) {
	names := make([]string, 0, len(roles))
	for name := range roles {
		names = append(names, name)
	}
	sort.Strings(names)
	for round := 0; round < 20; round++ {
		changed := false
		for _, name := range names {
			role := roles[name]
			if role.AggregationRule == nil {
				continue
			}
			rules, seen := []rbacv1.PolicyRule{}, map[string]bool{}
			for i := range role.AggregationRule.ClusterRoleSelectors {
				selector, err := metav1.LabelSelectorAsSelector(&role.AggregationRule.ClusterRoleSelectors[i])
				if err != nil {
					continue
				}
				for _, other := range names {
					if other == name || !selector.Matches(labelSet(roles[other].Labels)) {
						continue
					}
					for _, rule := range roles[other].Rules {
						if key := ruleKey(rule); !seen[key] {
							seen[key] = true
							rules = append(rules, rule)
						}
					}
				}
			}
			if !sameRules(role.Rules, rules) {
				role.Rules = rules
				changed = true
			}
		}
		if !changed {
			return
		}
	}
}

type labelSet map[string]string

func (l labelSet) Has(key string) bool   { _, ok := l[key]; return ok }
func (l labelSet) Get(key string) string { return l[key] }
func (l labelSet) Lookup(key string) (string, bool) {
	v, ok := l[key]
	return v, ok
}

// ruleKey tells rules apart as the controller's deep equality does (nil and empty lists alike).
func ruleKey(r rbacv1.PolicyRule) string {
	return strings.Join([]string{
		strings.Join(r.Verbs, "\x00"), strings.Join(r.APIGroups, "\x00"), strings.Join(r.Resources, "\x00"),
		strings.Join(r.ResourceNames, "\x00"), strings.Join(r.NonResourceURLs, "\x00"),
	}, "\x01")
}

func ruleExists(rules []rbacv1.PolicyRule, rule rbacv1.PolicyRule) bool {
	key := ruleKey(rule)
	for _, r := range rules {
		if ruleKey(r) == key {
			return true
		}
	}
	return false
}

func sameRules(a, b []rbacv1.PolicyRule) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if ruleKey(a[i]) != ruleKey(b[i]) {
			return false
		}
	}
	return true
}

func (s *cluster) authorizer() *rbac.RBACAuthorizer {
	byNamespace := cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc}
	roles := cache.NewIndexer(cache.MetaNamespaceKeyFunc, byNamespace)
	for _, r := range s.roles {
		_ = roles.Add(r)
	}
	roleBindings := cache.NewIndexer(cache.MetaNamespaceKeyFunc, byNamespace)
	for i, b := range s.roleBindings {
		b = b.DeepCopy()
		b.Name = fmt.Sprintf("%s-%d", b.Name, i) // two objects of one name both count here
		_ = roleBindings.Add(b)
	}
	clusterRoles := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})
	for _, r := range s.clusterRoles {
		_ = clusterRoles.Add(r)
	}
	clusterRoleBindings := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})
	for i, b := range s.clusterRoleBindings {
		b = b.DeepCopy()
		b.Name = fmt.Sprintf("%s-%d", b.Name, i)
		_ = clusterRoleBindings.Add(b)
	}
	return rbac.New(
		&rbac.RoleGetter{Lister: rbaclisters.NewRoleLister(roles)},
		&rbac.RoleBindingLister{Lister: rbaclisters.NewRoleBindingLister(roleBindings)},
		&rbac.ClusterRoleGetter{Lister: rbaclisters.NewClusterRoleLister(clusterRoles)},
		&rbac.ClusterRoleBindingLister{Lister: rbaclisters.NewClusterRoleBindingLister(clusterRoleBindings)},
	)
}
