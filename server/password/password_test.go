package password

import "testing"

func TestHashAndVerify(t *testing.T) {
	h, err := Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := Verify(h, "correct horse battery staple"); !ok || err != nil {
		t.Fatalf("Verify(right password) = %v, %v", ok, err)
	}
	if ok, _ := Verify(h, "correct horse battery stapler"); ok {
		t.Fatal("Verify accepted a wrong password")
	}
	h2, _ := Hash("correct horse battery staple")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
	if _, err := Verify("$2a$10$bcrypt", "x"); err == nil {
		t.Fatal("Verify accepted an unknown format")
	}
}

func TestCheck(t *testing.T) {
	if Check("short") == nil {
		t.Fatal("accepted a 5-character password")
	}
	if err := Check("twelve chars"); err != nil {
		t.Fatal(err)
	}
}
