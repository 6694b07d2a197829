// static/elements/Likes.js: cl.CustomElement(name="Likes", props={"likes": 0})
export default function Likes(root, { props, updateElement, callAction }) {
  const like = document.createElement("button");
  like.type = "button";
  like.textContent = `♥ ${props.likes}`;
  like.addEventListener("click", () => updateElement({ ...props, likes: props.likes + 1 }));
  const share = document.createElement("button");
  share.type = "button";
  share.textContent = "Share";
  share.addEventListener("click", () => callAction({ name: "share", payload: { likes: props.likes } }));
  root.append(like, share);
}
