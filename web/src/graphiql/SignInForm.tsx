// Shown when there is no session: signing in here sets the same cookie as the dashboard's form.
import { SignInForm as SharedSignInForm } from "../ui/SignInForm";

export function SignInForm() {
  return (
    <main className="graphiql-page-center" id="main">
      <SharedSignInForm
        title="Sign in to use GraphiQL"
        className="graphiql-page-sign-in"
        footer={
          <p>
            <a href="/">Back to the dashboard</a>
          </p>
        }
      >
        <p>Queries run as the signed-in user.</p>
      </SharedSignInForm>
    </main>
  );
}
