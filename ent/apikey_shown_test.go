package ent

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"apikeys/ent/apikey"
	"apikeys/ent/viewer"
)

// A key names who created and ended it from the people loaded with it; one not loaded
// is an error, never an empty name.
func TestKeyNamesItsPeople(t *testing.T) {
	now := time.Now()
	ada := &User{ID: "usr_ada", Name: "Ada"}
	robot := &ServiceAccount{ID: "sa_robot", Name: "deploy robot"}

	k := &APIKey{Prefix: "gak_", LastFour: "k3Zq", Status: apikey.StatusACTIVE, CreatedByID: ada.ID}
	if _, err := k.CreatedByName(); !IsNotLoaded(err) {
		t.Fatalf("createdByName before its person is loaded: %v, want not loaded", err)
	}
	k.Edges.CreatedBy = ada
	if name, err := k.CreatedByName(); err != nil || name != "Ada" {
		t.Fatalf("createdByName = %q, %v", name, err)
	}
	if name, err := k.RevokedByName(); err != nil || name != nil {
		t.Fatalf("an active key's revokedByName = %v, %v, want nil", name, err)
	}
	if got := k.MaskedKey(); got != "gak_…k3Zq" {
		t.Fatalf("maskedKey = %q", got)
	}
	if kind, ended := k.CreatedByKind(), k.RevokedByKind(); kind != viewer.KindUser || ended != nil {
		t.Fatalf("createdByKind = %v, revokedByKind = %v, want USER and nil", kind, ended)
	}
	if got := k.Networks(); got == nil || len(got) != 0 {
		t.Fatalf("allowedNetworks of a key without an allowlist = %#v, want []", got)
	}

	// Ada is deleted; a robot revokes the key.
	ada.DeletedAt = &now
	k.Status, k.RevokedByServiceAccountID, k.Edges.RevokedByServiceAccount = apikey.StatusREVOKED, robot.ID, robot
	if name, _ := k.CreatedByName(); name != DeletedUserName {
		t.Fatalf("createdByName of a deleted person = %q", name)
	}
	if name, err := k.RevokedByName(); err != nil || *name != "deploy robot" {
		t.Fatalf("revokedByName = %v, %v", name, err)
	}
	if kind := k.RevokedByKind(); kind == nil || *kind != viewer.KindServiceAccount {
		t.Fatalf("revokedByKind = %v, want SERVICE_ACCOUNT", kind)
	}

	// Keys ended by nobody in particular: the sweeper, a leak report.
	ended := &APIKey{Status: apikey.StatusREVOKED, RevocationReason: new(apikey.RevocationReasonEXPIRED)}
	if name, _ := ended.RevokedByName(); *name != SystemName {
		t.Fatalf("revokedByName of an expired key = %q", *name)
	}
	if kind := ended.RevokedByKind(); kind == nil || *kind != viewer.KindSystem {
		t.Fatalf("revokedByKind of an expired key = %v, want SYSTEM", kind)
	}
	ended.RevocationReason = new(apikey.RevocationReasonLEAKED)
	if name, _ := ended.RevokedByName(); *name != LeakReporterName {
		t.Fatalf("revokedByName of a leaked key = %q", *name)
	}
}

// A page that reads only the columns its fields need shows what a whole row shows:
// each method reads no column but those apiKeyColumns lists for its field.
func TestShownFieldsReadTheirColumnsOnly(t *testing.T) {
	now := time.Now()
	ada := &User{ID: "usr_ada", Name: "Ada", DeletedAt: &now}
	robot := &ServiceAccount{ID: "sa_robot", Name: "deploy robot"}
	keys := []*APIKey{
		{Status: apikey.StatusACTIVE, CreatedByID: ada.ID},
		{Status: apikey.StatusREVOKED, CreatedByServiceAccountID: robot.ID, RevokedByID: ada.ID, AllowedNetworks: []string{"10.0.0.0/8"}},
		{Status: apikey.StatusREVOKED, RevokedByServiceAccountID: robot.ID, RevocationReason: new(apikey.RevocationReasonMANUAL)},
		{Status: apikey.StatusREVOKED, RevocationReason: new(apikey.RevocationReasonLEAKED)},
		{Status: apikey.StatusREVOKED, RevocationReason: new(apikey.RevocationReasonEXPIRED)},
	}
	shown := map[string]func(*APIKey) any{
		"maskedKey":      func(k *APIKey) any { return k.MaskedKey() },
		"serviceAccount": func(k *APIKey) any { sa, err := k.ServiceAccount(); return []any{sa, err} },
		"createdByName":  func(k *APIKey) any { n, err := k.CreatedByName(); return []any{n, err} },
		"revokedByName":  func(k *APIKey) any { n, err := k.RevokedByName(); return []any{n, err} },
		"createdByKind":  func(k *APIKey) any { return k.CreatedByKind() },
		"revokedByKind":  func(k *APIKey) any { return k.RevokedByKind() },
		// A schema field's column, read by a method: [] for none.
		"allowedNetworks": func(k *APIKey) any { return k.Networks() },
	}
	for name, f := range apiKeyColumns {
		if f.derived && shown[name] == nil {
			t.Errorf("%s: derived, but not checked here", name)
		}
	}
	for _, k := range keys {
		k.ID, k.Prefix, k.LastFour, k.Name, k.ServiceAccountID = "key_1", "gak_", "k3Zq", "CI", robot.ID
		k.Edges.ServiceAccount, k.Edges.CreatedBy, k.Edges.RevokedBy = robot, ada, ada
		k.Edges.CreatedByServiceAccount, k.Edges.RevokedByServiceAccount = robot, robot
		for name, read := range shown {
			narrow := onlyColumns(k, apiKeyColumns[name].columns)
			if got, want := read(narrow), read(k); !reflect.DeepEqual(got, want) {
				t.Errorf("%s of %+v from its columns = %v, from the whole row %v", name, k, got, want)
			}
		}
	}
}

// onlyColumns is k as a query selecting columns reads it (with its loaded edges).
func onlyColumns(k *APIKey, columns []string) *APIKey {
	out := &APIKey{Edges: k.Edges}
	from, to := reflect.ValueOf(k).Elem(), reflect.ValueOf(out).Elem()
	for i := range from.NumField() {
		column, _, _ := strings.Cut(from.Type().Field(i).Tag.Get("json"), ",")
		if slices.Contains(columns, column) {
			to.Field(i).Set(from.Field(i))
		}
	}
	return out
}
