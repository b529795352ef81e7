// notecheck runs Go's golang.org/x/mod/sumdb/note against notes written by ledger-verify
// (used by ledger-verify/test/note.test.ts; never part of the package).
//
//	notecheck verify <verifier key> <note file>   prints the verified text
//	notecheck sign <signer key> <text file>        prints the signed note
//	notecheck vkey <name> <base64 public key>      prints the verifier key
package main

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"os"

	"golang.org/x/mod/sumdb/note"
)

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: notecheck verify|sign|vkey ARG ARG")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "verify":
		v, err := note.NewVerifier(os.Args[2])
		if err != nil {
			fail(err)
		}
		msg, err := os.ReadFile(os.Args[3])
		if err != nil {
			fail(err)
		}
		n, err := note.Open(msg, note.VerifierList(v))
		if err != nil {
			fail(err)
		}
		os.Stdout.WriteString(n.Text)
	case "sign":
		s, err := note.NewSigner(os.Args[2])
		if err != nil {
			fail(err)
		}
		text, err := os.ReadFile(os.Args[3])
		if err != nil {
			fail(err)
		}
		msg, err := note.Sign(&note.Note{Text: string(text)}, s)
		if err != nil {
			fail(err)
		}
		os.Stdout.Write(msg)
	case "vkey":
		pub, err := base64.StdEncoding.DecodeString(os.Args[3])
		if err != nil {
			fail(err)
		}
		vkey, err := note.NewEd25519VerifierKey(os.Args[2], ed25519.PublicKey(pub))
		if err != nil {
			fail(err)
		}
		fmt.Println(vkey)
	default:
		os.Exit(2)
	}
}
