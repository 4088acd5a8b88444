#version 130
// The sky dome: directions around the camera, projected at the far plane whatever the
// camera's clip distances, drawn first without depth.
uniform mat4 p3d_ViewProjectionMatrix;
uniform mat4 p3d_ViewMatrixInverse;
in vec4 p3d_Vertex;
out vec3 v_dir;

void main() {
    vec3 cam = p3d_ViewMatrixInverse[3].xyz;
    vec4 clip = p3d_ViewProjectionMatrix * vec4(cam + p3d_Vertex.xyz, 1.0);
    gl_Position = clip.xyww;
    v_dir = p3d_Vertex.xyz;
}
