import { SignInForm } from "../ui/SignInForm";

export function SignInPage() {
  return (
    <main className="center" id="main">
      <SignInForm title="Sign in to MACHETE" className="card sign-in" submitClassName="primary" />
    </main>
  );
}
