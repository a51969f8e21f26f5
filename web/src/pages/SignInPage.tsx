import { SignInForm } from "../ui/SignInForm";
import { hostOf } from "../app/toolSignIn";

export function SignInPage({ returnTo }: { returnTo?: string | null }) {
  return (
    <main className="center" id="main">
      <SignInForm title="Sign in to MACHETE" className="card sign-in" submitClassName="primary">
        {returnTo ? <p>Sign in to open {hostOf(returnTo)}.</p> : null}
      </SignInForm>
    </main>
  );
}
